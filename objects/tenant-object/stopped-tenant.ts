// What the object does for a stopped tenant (docs/publishing.md, Held posts). A tenant
// suspended or deleted (tenants.status in the directory) is stopped everywhere: its
// credentials are refused (identity), its scheduled posts that come due are held
// rather than sent (objects/publishing/post-holds.ts), and the work that would use its
// stored tokens on its behalf pauses: token upkeep, insight pulls and the reconciliation
// of unknown outcomes (which may send a post again) skip their run.
// Each reads the status from the directory as it runs (TenantRecordCache.currentStatus),
// never the kept record, so neither a stale record nor a lost notice lets it act for a
// stopped tenant. On reactivation the operator's route tells the object
// (tenantStatusChanged) and the paused work resumes at once; while suspended, a paused
// timer also looks again hourly, should that notice be lost. A deleted tenant stays
// deleted (PATCH /v1/tenants/{id} refuses to revive it): its paused timers are dropped.
// A canceled subscription (docs/billing.md) pauses the same work, which is done on the
// tenant's behalf: it resumes when the subscription is active again (billingChanged),
// or on the hourly look. Its reads and live dashboards go on.
import type { SubscriptionStatus, TenantStatus } from "../../src/core/db/tenants";
import { nextPullDue } from "../analytics/insights-sync";
import type { TenantParts } from "./parts";

/** While the tenant is suspended, a paused timer looks at its status again this much later. */
export const STOPPED_RECHECK_MS = 3_600_000;

/** The timers that pause while the tenant is stopped (scheduled posts are held instead). */
export type PausedTimer = "token-upkeep" | "sync-insights" | "reconcile-outcomes";

/**
 * Runs a paused timer's `work` only while the tenant is active and its subscription not
 * canceled, as the directory says now.
 */
export async function whileActive<T>(
  parts: Pick<TenantParts, "tenant" | "timers" | "clock">,
  timer: PausedTimer,
  work: () => Promise<T>,
): Promise<T | null> {
  const { status, billing } = await parts.tenant.currentStanding();
  if (status === "active" && billing.subscription !== "canceled") return work();
  if (status !== "deleted") await parts.timers.scheduleAt(timer, parts.clock() + STOPPED_RECHECK_MS);
  return null;
}

/** The tenant's status changed: forgotten, and on reactivation the paused work runs now. */
export async function tenantStatusChanged(parts: TenantParts, status: TenantStatus): Promise<void> {
  parts.tenant.forget();
  if (status === "active") await resumePaused(parts);
}

/** The tenant's tier or subscription changed: forgotten, and active again the paused work runs now. */
export async function billingChanged(parts: TenantParts, subscription: SubscriptionStatus): Promise<void> {
  parts.tenant.forget();
  if (subscription === "active") await resumePaused(parts);
}

/** Sets the paused timers to run now (each looks at the tenant again when it runs). */
async function resumePaused(parts: TenantParts): Promise<void> {
  const nowMs = parts.clock();
  // Finds nothing to renew (and stops) when the tenant has no Instagram account.
  await parts.timers.scheduleAtMost("token-upkeep", nowMs);
  if (nextPullDue(parts.sql, nowMs) !== null) await parts.timers.scheduleAtMost("sync-insights", nowMs);
  // Finds nothing due (and arms nothing) when no post is being reconciled.
  await parts.timers.scheduleAtMost("reconcile-outcomes", nowMs);
}
