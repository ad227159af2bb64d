// Named checkpoints at the awaits where a TenantObject can be reset (evicted,
// redeployed) or a step can fail, for the fault matrix (test/faults). In production no
// hook is ever set: a checkpoint is one null check returning undefined, so
// `await faultPoint(...)` costs a microtask and no I/O, and lets no other event in.
//
// Tests set the hook to reset the object at a point, or to make D1 fail right after
// it. The vitest plugin runs Durable Objects in the tests' own isolate, so a test and
// the objects share this module (test/support/faults.ts holds the test side).

/** Every checkpoint, named for where it stands. */
export const FAULT_POINTS = [
  /** The alarm is about to run a due timer's handler. */
  "alarm.timer",
  /** The schedule is about to fire one due post. */
  "schedule.post",
  /** A publish reached the object (credential checked), before admission. */
  "publish.begin",
  /** The attempt is recorded as calling; the platform call comes next. */
  "publish.send",
  /** The platform answered; nothing of the outcome is recorded yet. */
  "publish.answered",
  /** The outcome is recorded in the object (and queued for D1); the answer goes next. */
  "publish.recorded",
  /** A refresh lease was taken; the platform's refresh comes next. */
  "refresh.lease",
  /** The platform answered a refresh; nothing of it is stored yet. */
  "refresh.answered",
  /** D1 has the refreshed tokens; the object's own state follows. */
  "refresh.stored",
  /** The publish outbox is about to write a batch of records to D1. */
  "outbox.write",
  /** D1 has the batch; the records are not yet marked written. */
  "outbox.written",
  /** The analytics flush is about to write counters to D1. */
  "flush.write",
  /** D1 has the counters; they are not yet marked flushed. */
  "flush.written",
  /** D1 has a conversion; the campaign ledger is about to credit it. */
  "ledger.credit",
  /** A ledger rebuild has read D1; the ledger is not yet replaced. */
  "ledger.read",
  /** A client's batch of metric events is applied (its flush timer set); the answer goes next. */
  "ingest.applied",
  /** A page of a tenant's export is in R2; the export's checkpoint has not moved past it yet. */
  "export.page",
  /** An export's manifest is in R2; the export is not yet marked ready. */
  "export.sealed",
  /** A person's erasure read (and perhaps rewrote) an archived audit day; its checkpoint has not moved past it yet. */
  "erase-archive.day",
] as const;
export type FaultPointName = (typeof FAULT_POINTS)[number];

type Hook = (name: FaultPointName) => undefined | Promise<void>;
let hook: Hook | null = null;

/** A checkpoint: nothing at all unless a test set a hook. */
export function faultPoint(name: FaultPointName): undefined | Promise<void> {
  return hook === null ? undefined : hook(name);
}

/** Tests only: the hook every checkpoint calls, or null to clear it. */
export function setFaultHook(next: Hook | null): void {
  hook = next;
}
