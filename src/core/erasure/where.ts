// Where an erased tenant's rows may be: every shard of its region. The directory names
// one shard, but a move between shards leaves the tenant's rows in two for a while (the
// source's are deleted by its object's alarm, which the erasure deletes), and a tenant's
// data never leaves its region (docs/placement.md), so the region's shards are all the
// erasure has to walk. A tenant of no known region: every shard.
import type { Region } from "../db/tenants";
import { allShards, type Shard, shardsOfRegion } from "../placement/shards";

export function shardsToWalk(env: Env, region: Region | null): Shard[] {
  return region ? shardsOfRegion(env, region) : allShards(env);
}
