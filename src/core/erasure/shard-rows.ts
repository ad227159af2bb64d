// Step 5: every row of the tenant in every shard of its region, table by table in
// reverse foreign-key order (a row's children before it: TENANT_TABLES, the list a move
// copies by), a bounded batch per unit, newest first; then its residency row in that
// shard, last (every tenant row references it). On the raw bindings, as the mover's
// clean-up: the tenant is fenced (fence.ts), so nothing else writes its rows meanwhile,
// and a unit repeated after a crash deletes what is left.
import { deleteSome } from "../placement/move/copy-rows";
import { TENANT_TABLES } from "../placement/move/tenant-tables";
import { count, type Erasure, type ErasureRun, type Unit } from "./context";
import { shardsToWalk } from "./where";

/** Rows one statement deletes at most. */
export const DELETE_BATCH = 500;

/** Statements one unit makes at most: a checkpoint after each few, not after each table. */
const STATEMENTS_PER_UNIT = 8;

type Cursor = { shard: number; table: number } | null;

export async function eraseShardRows(run: ErasureRun, erasure: Erasure, cursor: unknown): Promise<Unit> {
  let at = (cursor as Cursor) ?? { shard: 0, table: 0 };
  const shards = shardsToWalk(run.env, erasure.region);
  const tables = [...TENANT_TABLES].reverse();
  for (let made = 0; made < STATEMENTS_PER_UNIT; made++) {
    const shard = shards[at.shard];
    if (!shard) return { done: true };
    const table = tables[at.table];
    run.calls.spend();
    if (!table) {
      const residency = await shard.db
        .prepare("DELETE FROM tenant_residency WHERE tenant_id = ?")
        .bind(erasure.tenantId)
        .run();
      count(erasure, "shard", "tenant_residency", residency.meta.changes ?? 0);
      at = { shard: at.shard + 1, table: 0 };
      continue;
    }
    const deleted = await deleteSome(shard.db, table, erasure.tenantId, DELETE_BATCH);
    count(erasure, "shard", table.name, deleted);
    // Fewer than a batch: the table holds none of the tenant's rows now (it is fenced).
    if (deleted < DELETE_BATCH) at = { shard: at.shard, table: at.table + 1 };
  }
  return { done: false, cursor: at };
}
