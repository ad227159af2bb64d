// The repair path of changes that span the directory and a shard (ARCHITECTURE.md,
// Placement), run by the daily cron over the last few days' changes, so its work is bounded by
// what happened recently, not by the number of tenants:
//
// - a tenant whose creation failed after its directory rows were written, and whose
//   compensation failed too: directory rows older than ten minutes whose shard holds
//   no residency for the tenant are deleted (nothing of it exists anywhere else);
// - a key prefix registered for a key whose shard row was never written: older than an
//   hour with no key in the tenant's shard, it is deleted (it authenticated nothing);
// - a tenant deleted in the directory whose keys were not revoked in its shard: they
//   are revoked now (they were refused anyway: the tenant's status is checked), unless
//   its erasure has started (its keys are erased with it).
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

/**
 * Of `ids`, those `table` holds no row for in `column` on its shard: read per shard in
 * lists of IDS_PER_QUERY (table and column are this file's constants, never input).
 */
async function missingFromShards<T extends { shard: string | null }>(
  env: Env,
  rows: T[],
  idOf: (row: T) => string,
  table: string,
  column: string,
): Promise<string[]> {
  const missing: string[] = [];
  for (const [shard, group] of byShard(rows)) {
    const { db } = shardNamed(env, shard);
    for (const part of chunk(group, IDS_PER_QUERY)) {
      const ids = part.map(idOf);
      const { results: present } = await db
        .prepare(`SELECT ${column} AS id FROM ${table} WHERE ${column} IN (${placeholders(ids.length)})`)
        .bind(...ids)
        .all<{ id: string }>();
      const found = new Set(present.map((row) => row.id));
      missing.push(...ids.filter((id) => !found.has(id)));
    }
  }
  return missing;
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
  const orphans = await missingFromShards(env, results, (row) => row.tenant_id, "tenant_residency", "tenant_id");
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
  const orphans = await missingFromShards(env, results, (row) => row.key_prefix, "api_keys", "key_prefix");
  for (const part of chunk(orphans, IDS_PER_QUERY)) {
    await env.DB.prepare(`DELETE FROM key_prefixes WHERE key_prefix IN (${placeholders(part.length)})`)
      .bind(...part)
      .run();
  }
  return orphans.length;
}

async function revokeKeysOfDeletedTenants(env: Env, nowMs: number): Promise<number> {
  const { results } = await env.DB.prepare(
    // A tenant whose erasure started is fenced in its shards (src/core/erasure/fence.ts):
    // its keys go with its rows, and a write of it would be refused.
    `SELECT tenant_id, shard FROM tenants WHERE status = 'deleted' AND updated_at >= ?
       AND tenant_id NOT IN (SELECT tenant_id FROM tenant_erasures WHERE state <> 'grace')`,
  )
    .bind(iso(nowMs - LOOKBACK_MS))
    .all<{ tenant_id: string; shard: string | null }>();
  let revoked = 0;
  for (const row of results) {
    if (!row.shard) continue;
    const scope = scopeOn(env, { tenantId: row.tenant_id, shard: row.shard });
    // Counted by the rows it returns: D1's meta.changes also counts the writes of the
    // triggers that keep the plan's count of active keys (tenant migration 0019).
    const [result] = await scope.db.batch<{ key_id: string }>([
      scope.db
        .prepare("UPDATE api_keys SET status = 'revoked' WHERE tenant_id = ? AND status = 'active' RETURNING key_id")
        .bind(row.tenant_id),
    ]);
    revoked += result?.results.length ?? 0;
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
