// The repair path of changes that span the directory and a shard (DESIGN.md invariant
// 9), run by the daily cron over the last few days' changes, so its work is bounded by
// what happened recently, not by the number of tenants:
//
// - a tenant whose creation failed after its directory rows were written, and whose
//   compensation failed too: directory rows older than ten minutes whose shard holds
//   no residency for the tenant are deleted (nothing of it exists anywhere else);
// - a key prefix registered for a key whose shard row was never written: older than an
//   hour with no key in the tenant's shard, it is deleted (it authenticated nothing);
// - a tenant deleted in the directory whose keys were not revoked in its shard: they
//   are revoked now (they were refused anyway: the tenant's status is checked).
import { chunk } from "../db/chunk";
import { scopeOn } from "../db/tenant-scope";
import { shardNamed } from "./shards";

const LOOKBACK_MS = 3 * 86_400_000;
const TENANT_GRACE_MS = 10 * 60_000;
const KEY_GRACE_MS = 60 * 60_000;
/** Ids per IN list: within D1's 100 bound parameters. */
const IDS_PER_QUERY = 90;

export interface RepairReport {
  orphanTenants: string[];
  orphanKeyPrefixes: number;
  keysRevoked: number;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function placeholders(n: number): string {
  return Array.from({ length: n }, () => "?").join(", ");
}

/** Groups rows by their shard. */
function byShard<T extends { shard: string | null }>(rows: T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    if (!row.shard) continue;
    groups.set(row.shard, [...(groups.get(row.shard) ?? []), row]);
  }
  return groups;
}

async function orphanTenants(env: Env, nowMs: number): Promise<string[]> {
  const { results } = await env.DB.prepare(
    "SELECT tenant_id, shard FROM tenants WHERE created_at >= ? AND created_at < ? AND status != 'deleted'",
  )
    .bind(iso(nowMs - LOOKBACK_MS), iso(nowMs - TENANT_GRACE_MS))
    .all<{ tenant_id: string; shard: string | null }>();
  const orphans: string[] = [];
  for (const [shard, rows] of byShard(results)) {
    const { db } = shardNamed(env, shard);
    for (const part of chunk(rows, IDS_PER_QUERY)) {
      const ids = part.map((row) => row.tenant_id);
      const { results: present } = await db
        .prepare(`SELECT tenant_id FROM tenant_residency WHERE tenant_id IN (${placeholders(ids.length)})`)
        .bind(...ids)
        .all<{ tenant_id: string }>();
      const resident = new Set(present.map((row) => row.tenant_id));
      orphans.push(...ids.filter((id) => !resident.has(id)));
    }
  }
  for (const tenantId of orphans) {
    await env.DB.batch([
      env.DB.prepare("DELETE FROM key_prefixes WHERE tenant_id = ?").bind(tenantId),
      env.DB.prepare("DELETE FROM tenants WHERE tenant_id = ?").bind(tenantId),
    ]);
  }
  return orphans;
}

async function orphanKeyPrefixes(env: Env, nowMs: number): Promise<number> {
  const { results } = await env.DB.prepare(
    `SELECT k.key_prefix, k.tenant_id, t.shard FROM key_prefixes k JOIN tenants t ON t.tenant_id = k.tenant_id
     WHERE k.created_at >= ? AND k.created_at < ?`,
  )
    .bind(iso(nowMs - LOOKBACK_MS), iso(nowMs - KEY_GRACE_MS))
    .all<{ key_prefix: string; tenant_id: string; shard: string | null }>();
  let removed = 0;
  for (const [shard, rows] of byShard(results)) {
    const { db } = shardNamed(env, shard);
    for (const part of chunk(rows, IDS_PER_QUERY)) {
      const prefixes = part.map((row) => row.key_prefix);
      const { results: present } = await db
        .prepare(`SELECT key_prefix FROM api_keys WHERE key_prefix IN (${placeholders(prefixes.length)})`)
        .bind(...prefixes)
        .all<{ key_prefix: string }>();
      const known = new Set(present.map((row) => row.key_prefix));
      const orphans = prefixes.filter((prefix) => !known.has(prefix));
      if (orphans.length === 0) continue;
      await env.DB.prepare(`DELETE FROM key_prefixes WHERE key_prefix IN (${placeholders(orphans.length)})`)
        .bind(...orphans)
        .run();
      removed += orphans.length;
    }
  }
  return removed;
}

async function revokeKeysOfDeletedTenants(env: Env, nowMs: number): Promise<number> {
  const { results } = await env.DB.prepare(
    "SELECT tenant_id, shard FROM tenants WHERE status = 'deleted' AND updated_at >= ?",
  )
    .bind(iso(nowMs - LOOKBACK_MS))
    .all<{ tenant_id: string; shard: string | null }>();
  let revoked = 0;
  for (const row of results) {
    if (!row.shard) continue;
    const scope = scopeOn(env, { tenantId: row.tenant_id, shard: row.shard });
    const [result] = await scope.db.batch([
      scope.db
        .prepare("UPDATE api_keys SET status = 'revoked' WHERE tenant_id = ? AND status = 'active'")
        .bind(row.tenant_id),
    ]);
    revoked += result?.meta.changes ?? 0;
  }
  return revoked;
}

export async function repairPlacement(env: Env, nowMs = Date.now()): Promise<RepairReport> {
  return {
    orphanTenants: await orphanTenants(env, nowMs),
    orphanKeyPrefixes: await orphanKeyPrefixes(env, nowMs),
    keysRevoked: await revokeKeysOfDeletedTenants(env, nowMs),
  };
}
