// Named checkpoints of an erasure, before and after each unit of work, for the tests
// that crash one mid-way (test/privacy): in production no hook is set and a checkpoint
// is one null check. The same pattern as the TenantObject's fault points
// (objects/tenant-object/fault-points.ts), kept in the core because the erasure runs here.
import type { ErasureStep } from "../db/tenant-erasures";

export interface ErasurePoint {
  tenantId: string;
  step: ErasureStep;
  /** Before the unit's work, or after it and before its checkpoint is saved. */
  at: "before" | "after";
}

type Hook = (point: ErasurePoint) => undefined | Promise<void>;
let hook: Hook | null = null;

export function erasureFaultPoint(point: ErasurePoint): undefined | Promise<void> {
  return hook === null ? undefined : hook(point);
}

/** Tests only: the hook every checkpoint calls, or null to clear it. */
export function setErasureFaultHook(next: Hook | null): void {
  hook = next;
}
