// Which shard of its region a new tenant is placed in: the least-filled one, by the
// size D1 reports for each database (every D1 result carries `meta.size_after`, the
// database's size in bytes), among the region's shards the operator has not closed to
// new tenants (shard_settings). Size rather than tenant count, because tenants differ
// by orders of magnitude (one with 50,000 posts, most with about 60); ties go to the
// shard with fewer tenants, then to the first by name. Chosen once, at creation, and
// recorded in the directory; only a move changes it.
import type { Region } from "../db/tenants";
import { type Shard, shardsOfRegion } from "./shards";

/** No shard of the region takes new tenants: a deployment matter, not the caller's. */
export class NoShardAvailableError extends Error {
  constructor(readonly region: Region) {
    super(`no shard of ${region} takes new tenants`);
    this.name = "NoShardAvailableError";
  }
}

export interface ShardFill {
  shard: string;
  bytes: number;
  tenants: number;
  acceptsNewTenants: boolean;
}

/** How full each shard of `region` is, and whether it takes new tenants. */
export async function shardFill(env: Env, region: Region): Promise<ShardFill[]> {
  const shards = shardsOfRegion(env, region);
  const [closed, counts, sizes] = await Promise.all([
    env.DB.prepare("SELECT shard FROM shard_settings WHERE accepts_new_tenants = 0").all<{ shard: string }>(),
    env.DB.prepare(
      "SELECT shard, COUNT(*) AS tenants FROM tenants WHERE region = ? AND shard IS NOT NULL AND status != 'deleted' GROUP BY shard",
    )
      .bind(region)
      .all<{ shard: string; tenants: number }>(),
    Promise.all(shards.map(sizeOf)),
  ]);
  const closedNames = new Set(closed.results.map((row) => row.shard));
  const tenantCounts = new Map(counts.results.map((row) => [row.shard, row.tenants]));
  return shards.map((shard, index) => ({
    shard: shard.name,
    bytes: sizes[index] ?? 0,
    tenants: tenantCounts.get(shard.name) ?? 0,
    acceptsNewTenants: !closedNames.has(shard.name),
  }));
}

async function sizeOf(shard: Shard): Promise<number> {
  const result = await shard.db.prepare("SELECT 1").run();
  return result.meta.size_after ?? 0;
}

export async function chooseShard(env: Env, region: Region): Promise<string> {
  const open = (await shardFill(env, region)).filter((fill) => fill.acceptsNewTenants);
  open.sort((a, b) => a.bytes - b.bytes || a.tenants - b.tenants || a.shard.localeCompare(b.shard));
  const chosen = open[0];
  if (!chosen) throw new NoShardAvailableError(region);
  return chosen.shard;
}
