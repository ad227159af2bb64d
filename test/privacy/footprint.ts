// How much of a tenant there is, counted in every store: its rows of every tenant
// table in every shard (and its residency), its rows in the global tables, its vectors
// and its R2 objects. Compared before and after another tenant's erasure, it shows
// that erasure touched nothing of this one.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { countRows } from "../../src/core/placement/move/copy-rows";
import { TENANT_TABLES } from "../../src/core/placement/move/tenant-tables";
import { allShards } from "../../src/core/placement/shards";
import { VECTOR_INDEXES } from "../../src/core/vector/indexes";
import { r2Keys } from "./traces";

export async function footprint(tenantId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const shard of allShards(env)) {
    for (const table of TENANT_TABLES)
      counts[`${shard.name}.${table.name}`] = await countRows(shard.db, table, tenantId);
    const residency = await shard.db
      .prepare("SELECT COUNT(*) AS n FROM tenant_residency WHERE tenant_id = ?")
      .bind(tenantId)
      .first<{ n: number }>();
    counts[`${shard.name}.tenant_residency`] = residency?.n ?? 0;
  }
  const global = await env.DB.batch<{ n: number }>([
    env.DB.prepare("SELECT COUNT(*) AS n FROM tenants WHERE tenant_id = ?").bind(tenantId),
    env.DB.prepare("SELECT COUNT(*) AS n FROM key_prefixes WHERE tenant_id = ?").bind(tenantId),
    env.DB.prepare("SELECT COUNT(*) AS n FROM skills WHERE visibility = ?").bind(`tenant:${tenantId}`),
    env.DB.prepare(
      "SELECT COUNT(*) AS n FROM skill_versions WHERE skill_id IN (SELECT skill_id FROM skills WHERE visibility = ?)",
    ).bind(`tenant:${tenantId}`),
    env.DB.prepare("SELECT COUNT(*) AS n FROM sharing_events WHERE tenant_id = ? OR actor = ?").bind(
      tenantId,
      `tenant:${tenantId}`,
    ),
  ]);
  ["tenants", "key_prefixes", "skills", "skill_versions", "sharing_events"].forEach((table, i) => {
    counts[`DB.${table}`] = global[i]?.results[0]?.n ?? 0;
  });
  for (const spec of Object.values(VECTOR_INDEXES)) {
    counts[`vectors:${spec.name}`] = await runInDurableObject(
      env.VectorIndexObject.getByName(spec.name),
      (_instance, state) =>
        state.storage.sql
          .exec<{ n: number }>(
            "SELECT COUNT(*) AS n FROM vectors WHERE id = ?1 OR namespace = ?1 OR instr(COALESCE(metadata, ''), ?1) > 0",
            tenantId,
          )
          .one().n,
    );
  }
  counts.r2 = (await r2Keys()).filter(({ key }) => key.includes(tenantId)).length;
  return counts;
}
