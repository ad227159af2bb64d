// Step 1: the fence. The tenant's residency is marked 'departed' in every shard of its
// region, so no write of it lands there from now on (a scope's write batch opens with
// the residency fence: src/core/db/resident-database.ts): not its object's outboxes or
// alarms, not a request through a stale directory entry, not the retention job. The
// erasure's own deletes use the raw bindings, as the mover's do.
import type { Erasure, ErasureRun, Unit } from "./context";
import { shardsToWalk } from "./where";

export async function fence(run: ErasureRun, erasure: Erasure): Promise<Unit> {
  const at = new Date(run.nowMs).toISOString();
  for (const shard of shardsToWalk(run.env, erasure.region)) {
    run.calls.spend();
    await shard.db
      .prepare(
        "UPDATE tenant_residency SET state = 'departed', changed_at = ? WHERE tenant_id = ? AND state != 'departed'",
      )
      .bind(at, erasure.tenantId)
      .run();
  }
  return { done: true };
}
