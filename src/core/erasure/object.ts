// Step 8: the tenant's TenantObject: its storage (every table of its SQLite, its
// keys) and its alarm, deleted by the object itself (its contract's eraseStorage,
// reached through the router's ErasureDeps). Not before every isolate's cached
// placement of the tenant has expired: twice the directory cache's lifetime after the
// directory forgot the tenant, as a move waits before deleting a shard's rows
// (objects/placement/tenant-move.ts). Until then a request through a stale entry could
// still reach the object, and a call reaching it after the erasure would make a new
// instance apply a fresh (empty) schema; after it, the router finds no placement and
// never reaches it (src/router/objects.ts).
import { PLACEMENT_TTL_MS } from "../placement/directory";
import { count, type Erasure, type ErasureRun, type Unit } from "./context";

/** How long after the directory step the object may be erased. */
export const OBJECT_DRAIN_MS = 2 * PLACEMENT_TTL_MS;

export async function eraseObject(run: ErasureRun, erasure: Erasure): Promise<Unit> {
  const since = erasure.directoryAtMs ?? run.nowMs;
  if (run.nowMs < since + OBJECT_DRAIN_MS) return { waitUntilMs: since + OBJECT_DRAIN_MS };
  // A tenant of no region was never placed: no object was ever made for it.
  if (erasure.region) {
    run.calls.spend();
    await run.deps.eraseObject({ tenantId: erasure.tenantId, region: erasure.region });
    count(erasure, "object", "storage_and_alarm", 1);
  }
  return { done: true };
}
