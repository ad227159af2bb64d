// One tenant's erasure, step by step (docs/privacy.md, "A tenant's erasure"). It spans
// the global database, every shard of the tenant's region, R2, the vector indexes, the
// platforms and the TenantObject, so it runs in a fixed order, checkpointed in the
// global database (tenant_erasures: the step, where within it, the counts so far)
// after every bounded unit of work: a crash, a failure or a spent allowance stops it
// there, and the next run (the daily job, or the operator's erase route again) resumes
// from the checkpoint. Every unit is safe to run again.
//
//   fence      every shard of the region refuses the tenant's writes (fence.ts)
//   directory  tombstone in; key prefixes, rows naming it and its tenants row out:
//              the router finds it no more (directory.ts)
//   revoke     its platform grants, revoked where the platform offers it (grants.ts)
//   vectors    its brand voice and knowledge vectors (vectors.ts)
//   shard      every row of it in every shard of its region, then its residency (shard-rows.ts)
//   archive    its audit archive and exports in R2 (archive.ts)
//   skills     its private skills, their versions, embeddings, metrics, events, vectors (skills.ts)
//   object     its TenantObject's storage and alarm, once cached placements expired (object.ts)
//   sweep      R2 once more: nothing written meanwhile stays (archive.ts)
//   done       the row becomes the erasure's record; the tombstone takes the time
//
// Why this order: the fence first, so nothing re-writes what is deleted; the directory
// second, so nothing reaches the tenant any more and its object's drain starts early;
// the grants while their tokens can still be read; the vectors while the knowledge
// entries' ids can still be read; R2 after the shard, when no audit row is left to
// archive; the object last but the sweep, after its drain.
import {
  ERASURE_STEPS,
  type ErasureCounts,
  type ErasureRow,
  type ErasureStep,
  finishErasure,
  type Revocations,
  saveProgress,
} from "../db/tenant-erasures";
import type { Region } from "../db/tenants";
import { eraseArchive } from "./archive";
import type { Erasure, ErasureRun, Unit } from "./context";
import { forgetInDirectory } from "./directory";
import { erasureFaultPoint } from "./fault-points";
import { fence } from "./fence";
import { revokeGrants } from "./grants";
import { eraseObject } from "./object";
import { eraseShardRows } from "./shard-rows";
import { erasePrivateSkills } from "./skills";
import { eraseVectors } from "./vectors";

type StepWork = (run: ErasureRun, erasure: Erasure, cursor: unknown) => Promise<Unit>;

const WORK: Record<Exclude<ErasureStep, "done">, StepWork> = {
  fence,
  directory: forgetInDirectory,
  revoke: revokeGrants,
  vectors: eraseVectors,
  shard: eraseShardRows,
  archive: eraseArchive,
  skills: erasePrivateSkills,
  object: eraseObject,
  sweep: eraseArchive,
};

/** Where one run left an erasure. */
export type ErasureOutcome =
  | { kind: "erased" }
  /** The run's allowance is spent; the next run goes on from `step`. */
  | { kind: "paused"; step: ErasureStep }
  /** The object step waits for cached placements to expire; not before `untilMs`. */
  | { kind: "waiting"; step: ErasureStep; untilMs: number };

function nextStep(step: ErasureStep): ErasureStep {
  return ERASURE_STEPS[ERASURE_STEPS.indexOf(step) + 1] ?? "done";
}

function parsed<T>(text: string | null, fallback: T): T {
  return text === null ? fallback : (JSON.parse(text) as T);
}

/** Runs the erasure of `row` (state 'erasing') from its checkpoint, as far as the run allows. */
export async function continueErasure(run: ErasureRun, row: ErasureRow): Promise<ErasureOutcome> {
  const db = run.env.DB;
  const erasure: Erasure = {
    tenantId: row.tenant_id,
    erasureId: row.erasure_id,
    region: row.region as Region | null,
    shard: row.shard,
    counts: parsed<ErasureCounts>(row.counts, {}),
    revocations: parsed<Revocations>(row.revocations, {}),
    directoryAtMs: row.directory_at === null ? null : Date.parse(row.directory_at),
  };
  let step: ErasureStep = row.step ?? "fence";
  let cursor: unknown = parsed<unknown>(row.cursor, null);
  while (step !== "done") {
    if (run.calls.left <= 0) return { kind: "paused", step };
    await erasureFaultPoint({ tenantId: erasure.tenantId, step, at: "before" });
    const unit = await WORK[step](run, erasure, cursor);
    if ("waitUntilMs" in unit) return { kind: "waiting", step, untilMs: unit.waitUntilMs };
    await erasureFaultPoint({ tenantId: erasure.tenantId, step, at: "after" });
    if (unit.done) {
      step = nextStep(step);
      cursor = null;
    } else {
      cursor = unit.cursor;
    }
    run.calls.spend();
    await db.batch([
      saveProgress(db, erasure.tenantId, {
        step,
        cursor,
        counts: erasure.counts,
        revocations: erasure.revocations,
        directoryAt: erasure.directoryAtMs === null ? null : new Date(erasure.directoryAtMs).toISOString(),
      }),
    ]);
  }
  const now = new Date(run.nowMs).toISOString();
  run.calls.spend();
  await db.batch([
    finishErasure(db, erasure.tenantId, erasure.counts, erasure.revocations, now),
    db.prepare("UPDATE tenant_tombstones SET erased_at = ? WHERE tenant_id = ?").bind(now, erasure.tenantId),
  ]);
  return { kind: "erased" };
}
