// A tenant's erasure in the global database (migrations/global/0023_tenant_erasure.sql): the grace that
// DELETE /v1/tenant starts, the checkpoint of an erasure under way, the record of one
// done, and the tombstone the directory keeps (docs/privacy.md, "A tenant's erasure").
// Every function takes the global database explicitly.
import { newId } from "./ids";
import { parseJson } from "./json-column";
import { isoOrNull } from "./time";

/** How long a deleted tenant can still be restored by its owner. */
export const GRACE_MS = 30 * 86_400_000;

export type ErasureState = "grace" | "erasing" | "erased";

/**
 * The steps of an erasure, in the order they run (src/core/erasure/steps.ts says why
 * this order); `done` marks the record finished.
 */
export const ERASURE_STEPS = [
  "fence",
  "directory",
  "revoke",
  "vectors",
  "shard",
  "archive",
  "skills",
  "object",
  "sweep",
  "done",
] as const;
export type ErasureStep = (typeof ERASURE_STEPS)[number];

/** Who started the erasure: the operator at once, or the daily job when the grace ended. */
export type ErasureStarter = "operator" | "grace_expiry";
/**
 * Per platform: grants revoked; tokens the platform no longer accepts (expired, or
 * revoked already: nothing acts with them); revocations refused or failed (recorded,
 * the erasure goes on); grants at a platform with no revocation to ask for.
 */
export interface RevocationTally {
  revoked: number;
  invalid: number;
  failed: number;
  unsupported: number;
  /** Each failure by its kind (a PlatformError's) and HTTP status: never the platform's words. */
  failures: { kind: string; status: number | null }[];
}

export type Revocations = Record<string, RevocationTally>;

/** Nested counts: { shard: { users: 2, ... }, global: {...}, vectors: {...}, archive: {...}, object: {...} }. */
export type ErasureCounts = Record<string, Record<string, number>>;

export interface ErasureRow {
  tenant_id: string;
  erasure_id: string;
  state: ErasureState;
  requested_by: string;
  requested_at: string;
  erase_after: string;
  started_by: ErasureStarter | null;
  started_at: string | null;
  step: ErasureStep | null;
  cursor: string | null;
  region: string | null;
  shard: string | null;
  directory_at: string | null;
  counts: string;
  revocations: string;
  erased_at: string | null;
  last_error: string | null;
}

/** The operator's view of an erasure (GET /v1/admin/tenants/{id}/erasure). */
export function toErasure(row: ErasureRow) {
  return {
    id: row.erasure_id,
    tenant_id: row.tenant_id,
    state: row.state,
    requested_by: row.requested_by,
    requested_at: isoOrNull(row.requested_at) as string,
    erase_after: isoOrNull(row.erase_after) as string,
    started_by: row.started_by,
    started_at: isoOrNull(row.started_at),
    step: row.step,
    erased_at: isoOrNull(row.erased_at),
    counts: parseJson<ErasureCounts>(row.counts, {}),
    revocations: parseJson<Revocations>(row.revocations, {}),
    last_error: row.last_error,
  };
}

export function findErasure(db: D1Database, tenantId: string): Promise<ErasureRow | null> {
  return db.prepare("SELECT * FROM tenant_erasures WHERE tenant_id = ?").bind(tenantId).first<ErasureRow>();
}

export interface GraceStart {
  tenantId: string;
  /** "user:<id>", "operator" or "system". */
  requestedBy: string;
  nowMs: number;
}

/** When a grace started at `nowMs` ends. */
export function graceEnd(nowMs: number): string {
  return new Date(nowMs + GRACE_MS).toISOString();
}

/** The grace of a tenant just deleted; a tenant already in grace (or further) keeps its row. */
export function insertGrace(db: D1Database, grace: GraceStart): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO tenant_erasures (tenant_id, erasure_id, state, requested_by, requested_at, erase_after)
       VALUES (?, ?, 'grace', ?, ?, ?) ON CONFLICT(tenant_id) DO NOTHING`,
    )
    .bind(
      grace.tenantId,
      newId("erasure", grace.nowMs),
      grace.requestedBy,
      new Date(grace.nowMs).toISOString(),
      graceEnd(grace.nowMs),
    );
}

/**
 * Cancels the grace (the owner's restore): only while it is still a grace, so a
 * restore racing the erasure's start loses to it, or wins before it (compare-and-set).
 */
export function cancelGrace(db: D1Database, tenantId: string): D1PreparedStatement {
  return db.prepare("DELETE FROM tenant_erasures WHERE tenant_id = ? AND state = 'grace'").bind(tenantId);
}

/**
 * The operator erases a tenant the directory still has, at once: its grace (if it has
 * one) is skipped, or it gets a row now. Its placement is copied from the directory,
 * which forgets it in the erasure's second step. Changes nothing for a tenant already
 * erasing or erased.
 */
export function startErasureNow(db: D1Database, tenantId: string, nowMs: number): D1PreparedStatement {
  const now = new Date(nowMs).toISOString();
  return db
    .prepare(
      `INSERT INTO tenant_erasures (tenant_id, erasure_id, state, requested_by, requested_at, erase_after, started_by,
         started_at, step, region, shard)
       SELECT tenant_id, ?2, 'erasing', 'operator', ?3, ?3, 'operator', ?3, 'fence', region, shard
       FROM tenants WHERE tenant_id = ?1
       ON CONFLICT(tenant_id) DO UPDATE SET state = 'erasing', started_by = 'operator', started_at = excluded.started_at,
         step = 'fence', cursor = NULL, region = excluded.region, shard = excluded.shard,
         erase_after = MIN(tenant_erasures.erase_after, excluded.erase_after)
       WHERE tenant_erasures.state = 'grace'`,
    )
    .bind(tenantId, newId("erasure", nowMs), now);
}

/**
 * The daily job starts the erasure of a deleted tenant whose grace is over by `nowMs`
 * (compare-and-set on the grace: a restore that won leaves no row to start).
 */
export function startErasureAfterGrace(db: D1Database, tenantId: string, nowMs: number): D1PreparedStatement {
  const now = new Date(nowMs).toISOString();
  return db
    .prepare(
      `UPDATE tenant_erasures SET state = 'erasing', started_by = 'grace_expiry', started_at = ?2, step = 'fence',
         cursor = NULL,
         region = (SELECT region FROM tenants WHERE tenant_id = ?1),
         shard = (SELECT shard FROM tenants WHERE tenant_id = ?1)
       WHERE tenant_id = ?1 AND state = 'grace' AND erase_after <= ?2
         AND EXISTS (SELECT 1 FROM tenants WHERE tenant_id = ?1 AND status = 'deleted')`,
    )
    .bind(tenantId, now);
}

/** The grace rows of tenants whose grace is over by `nowIso`, the longest overdue first. */
export async function gracesOver(db: D1Database, nowIso: string, limit: number): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT tenant_id FROM tenant_erasures WHERE state = 'grace' AND erase_after <= ? ORDER BY erase_after LIMIT ?`,
    )
    .bind(nowIso, limit)
    .all<{ tenant_id: string }>();
  return results.map((row) => row.tenant_id);
}

/** Erasures under way, the longest running first. */
export async function erasuresUnderWay(db: D1Database, limit: number): Promise<ErasureRow[]> {
  const { results } = await db
    .prepare("SELECT * FROM tenant_erasures WHERE state = 'erasing' ORDER BY started_at, tenant_id LIMIT ?")
    .bind(limit)
    .all<ErasureRow>();
  return results;
}

/**
 * Tenants deleted before erasure existed (status deleted, no row here): each gets its
 * grace from now, so no tenant is erased without the full 30 days.
 */
export async function adoptDeletedTenants(db: D1Database, nowMs: number, limit: number): Promise<number> {
  const { results } = await db
    .prepare(
      `SELECT t.tenant_id FROM tenants t
       WHERE t.status = 'deleted' AND NOT EXISTS (SELECT 1 FROM tenant_erasures e WHERE e.tenant_id = t.tenant_id)
       LIMIT ?`,
    )
    .bind(limit)
    .all<{ tenant_id: string }>();
  if (results.length === 0) return 0;
  await db.batch(results.map((row) => insertGrace(db, { tenantId: row.tenant_id, requestedBy: "system", nowMs })));
  return results.length;
}

export interface ErasureProgress {
  step: ErasureStep;
  cursor: unknown;
  counts: ErasureCounts;
  revocations: Revocations;
  directoryAt?: string | null;
  lastError?: string | null;
}

/** The checkpoint: the step reached, where within it, and what was erased so far. */
export function saveProgress(db: D1Database, tenantId: string, progress: ErasureProgress): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE tenant_erasures SET step = ?, cursor = ?, counts = ?, revocations = ?,
         directory_at = COALESCE(?, directory_at), last_error = ?
       WHERE tenant_id = ? AND state = 'erasing'`,
    )
    .bind(
      progress.step,
      progress.cursor === null || progress.cursor === undefined ? null : JSON.stringify(progress.cursor),
      JSON.stringify(progress.counts),
      JSON.stringify(progress.revocations),
      progress.directoryAt ?? null,
      progress.lastError ?? null,
      tenantId,
    );
}

/** A step failed: why (cut short; the next run retries from the checkpoint). */
export function recordFailure(db: D1Database, tenantId: string, reason: string): D1PreparedStatement {
  return db
    .prepare("UPDATE tenant_erasures SET last_error = ? WHERE tenant_id = ? AND state = 'erasing'")
    .bind(reason.slice(0, 300), tenantId);
}

/** Every trace is gone: the row becomes the record of the erasure. */
export function finishErasure(
  db: D1Database,
  tenantId: string,
  counts: ErasureCounts,
  revocations: Revocations,
  nowIso: string,
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE tenant_erasures SET state = 'erased', step = NULL, cursor = NULL, counts = ?, revocations = ?,
         erased_at = ?, last_error = NULL
       WHERE tenant_id = ? AND state = 'erasing'`,
    )
    .bind(JSON.stringify(counts), JSON.stringify(revocations), nowIso, tenantId);
}

/** The directory's tombstone of an erased tenant: its id is never reused (the trigger of migration 0015). */
export function insertTombstone(db: D1Database, tenantId: string, nowIso: string): D1PreparedStatement {
  return db
    .prepare("INSERT INTO tenant_tombstones (tenant_id, erased_at) VALUES (?, ?) ON CONFLICT(tenant_id) DO NOTHING")
    .bind(tenantId, nowIso);
}
