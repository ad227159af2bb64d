// The regional D1 shards of this deployment, found by their binding names
// (SHARD_<REGION>_<N>, wrangler.toml): adding a shard to a region is a binding, not a
// code change. A shard's name is its binding's name; the directory records it.
import { REGIONS, type Region } from "../db/tenants";
import { REGION_PLACEMENT } from "./regions";

export interface Shard {
  name: string;
  region: Region;
  db: D1Database;
}

const SHARD_NAME = /^SHARD_([A-Z]+(?:_[A-Z]+)*)_(\d+)$/;

function regionOfPart(part: string): Region | null {
  return REGIONS.find((region) => REGION_PLACEMENT[region].bindingPart === part) ?? null;
}

/** The region a shard name belongs to; null for a name that is not a shard's. */
export function regionOfShard(name: string): Region | null {
  const match = SHARD_NAME.exec(name);
  return match ? regionOfPart(match[1] as string) : null;
}

/** Every shard bound to this Worker, in name order. */
export function allShards(env: Env): Shard[] {
  const shards: Shard[] = [];
  for (const [name, value] of Object.entries(env as unknown as Record<string, unknown>)) {
    const region = regionOfShard(name);
    if (region && isDatabase(value)) shards.push({ name, region, db: value });
  }
  return shards.sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }));
}

export function shardsOfRegion(env: Env, region: Region): Shard[] {
  return allShards(env).filter((shard) => shard.region === region);
}

/** The shard called `name`. A name the directory holds must be bound: anything else is a deployment error. */
export function shardNamed(env: Env, name: string): Shard {
  const region = regionOfShard(name);
  const db = (env as unknown as Record<string, unknown>)[name];
  if (!region || !isDatabase(db)) throw new Error(`no D1 shard is bound as ${name}`);
  return { name, region, db };
}

function isDatabase(value: unknown): value is D1Database {
  return typeof value === "object" && value !== null && typeof (value as D1Database).prepare === "function";
}
