// Where each tenant lives, from the global directory (tenants.region, tenants.shard),
// remembered per isolate like the key directory. A tenant's region never changes; its
// shard changes only when an operator moves it (src/core/placement/move), and a stale
// entry can do no harm: every write on a tenant scope first checks, in the same
// transaction, that the tenant is resident in that shard (resident-database.ts), so a
// write through a stale entry is refused, the entry forgotten and the request answered
// 503 to be retried. Reads through a stale entry see the old shard's rows, which stay
// in place, unchanged (writes are fenced), until well after every entry has expired.
import type { Region } from "../db/tenants";

export interface Placement {
  tenantId: string;
  region: Region;
  /** The binding name of the tenant's D1 shard. */
  shard: string;
}

/** How long an isolate trusts an entry; a move deletes the old rows only after this has passed twice. */
export const PLACEMENT_TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;
const cache = new Map<string, { placement: Placement; atMs: number }>();

/** The tenant's placement; null for a tenant the directory does not know (or not placed yet). */
export async function placementOf(env: Env, tenantId: string): Promise<Placement | null> {
  const hit = cache.get(tenantId);
  if (hit && Date.now() - hit.atMs < PLACEMENT_TTL_MS) return hit.placement;
  const row = await env.DB.prepare("SELECT region, shard FROM tenants WHERE tenant_id = ?")
    .bind(tenantId)
    .first<{ region: Region; shard: string | null }>();
  if (!row?.shard) {
    cache.delete(tenantId);
    return null;
  }
  return rememberPlacement({ tenantId, region: row.region, shard: row.shard });
}

/** Records a placement learnt elsewhere (at creation, from the TenantObject, after a move). */
export function rememberPlacement(placement: Placement): Placement {
  if (!cache.has(placement.tenantId) && cache.size >= MAX_ENTRIES) {
    cache.delete(cache.keys().next().value as string);
  }
  cache.set(placement.tenantId, { placement, atMs: Date.now() });
  return placement;
}

export function forgetPlacement(tenantId: string): void {
  cache.delete(tenantId);
}

/** The placement a directory row states (remembered); null while the tenant is created. */
export function placementOfRow(row: { tenant_id: string; region: Region; shard: string | null }): Placement | null {
  return row.shard ? rememberPlacement({ tenantId: row.tenant_id, region: row.region, shard: row.shard }) : null;
}
