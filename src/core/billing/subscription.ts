// What a subscription state stops (docs/billing.md, Stripe and subscription states).
// `active`: nothing. `past_due`: nothing during its grace (settings.past_due_grace_days,
// default 7 days, counted from the first failed payment, tenants.past_due_since); after
// it, publishing and new schedules (402). `canceled`: every write (402): the tenant is
// read-only. Reads always go on. A post that comes due while publishing is stopped is
// held (objects/publishing/post-holds.ts), never sent and never lost.
//
// The gate is worked out by whoever holds the clock that decides: the TenantObject, on
// its own clock (objects/storage/object-clock.ts), for every credential it checks
// (objects/identity/credentials.ts) and every post that comes due.
import { PERMISSIONS, type Permission } from "../auth/permissions";
import { parseJson } from "../db/json-column";
import type { SubscriptionStatus, TenantStanding } from "../db/tenants";
import { ProblemError } from "../problem";

/** The grace of a past_due subscription when the tenant's settings name none. */
export const DEFAULT_PAST_DUE_GRACE_DAYS = 7;
/** The longest grace the operator may set. */
export const MAX_PAST_DUE_GRACE_DAYS = 365;
/** The settings key of the grace (set by the operator only: src/router/http/billing-settings.ts). */
export const GRACE_SETTING = "past_due_grace_days";

const DAY_MS = 86_400_000;

/** A tenant's subscription as the directory row holds it. */
export interface BillingState {
  subscription: SubscriptionStatus;
  /** When the first failed payment of the current past_due spell happened (ISO), if any. */
  pastDueSince: string | null;
  graceDays: number;
}

/** What the subscription stops now. */
export type Stopped = "nothing" | "publishing" | "writes";

export interface SubscriptionGate {
  status: SubscriptionStatus;
  pastDueSince: string | null;
  /** When a past_due subscription's grace ends (ISO); null otherwise. */
  graceEndsAt: string | null;
  stops: Stopped;
}

/** Whether `value` is a grace the settings may hold: whole days, 0 to MAX_PAST_DUE_GRACE_DAYS. */
export function isGraceDays(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= MAX_PAST_DUE_GRACE_DAYS;
}

/** The grace `settings` give, or the default (a value written by hand that is not one is ignored). */
export function graceDaysOf(settings: Record<string, unknown>): number {
  const value = settings[GRACE_SETTING];
  return isGraceDays(value) ? value : DEFAULT_PAST_DUE_GRACE_DAYS;
}

/** The billing state of a directory row (a NULL subscription_status is the column's default, active). */
export function billingStateOf(row: Pick<TenantStanding, "subscription_status" | "past_due_since" | "settings">) {
  return {
    subscription: row.subscription_status ?? "active",
    pastDueSince: row.past_due_since,
    graceDays: graceDaysOf(parseJson<Record<string, unknown>>(row.settings, {})),
  } satisfies BillingState;
}

/**
 * What `state` stops at `nowMs`. A past_due subscription with no known first failure (a
 * row set by hand) has no grace left: it fails closed.
 */
export function subscriptionGate(state: BillingState, nowMs: number): SubscriptionGate {
  const gate = { status: state.subscription, pastDueSince: state.pastDueSince, graceEndsAt: null };
  if (state.subscription === "canceled") return { ...gate, stops: "writes" };
  if (state.subscription !== "past_due") return { ...gate, stops: "nothing" };
  const sinceMs = state.pastDueSince === null ? Number.NaN : Date.parse(state.pastDueSince);
  if (Number.isNaN(sinceMs)) return { ...gate, stops: "publishing" };
  const endsMs = sinceMs + state.graceDays * DAY_MS;
  return { ...gate, graceEndsAt: new Date(endsMs).toISOString(), stops: nowMs < endsMs ? "nothing" : "publishing" };
}

/**
 * The writes a canceled tenant keeps: a member's own sign-out, password and second
 * factor (account security), the owner's deletion of the tenant, and what privacy law
 * owes whatever the subscription (docs/privacy.md): the tenant's export and a person's
 * erasure (a person's own export is a read, read:users). Reads are never
 * stopped (a permission whose scope is read:*, POST searches and live tickets among
 * them). Sign-in, the webhook and the operator's routes have no tenant permission and
 * are never gated. A route to add here says why in docs/billing.md.
 */
export const WRITES_WHILE_CANCELED: readonly Permission[] = [
  "session.end",
  "password.change",
  "mfa.manage",
  "tenant.delete",
  "tenant.export",
  "users.erase",
  // PATCH /v1/tenant/billing: it never writes (billing is Stripe's and the operator's), and says so.
  "tenant.billing",
];

/** A request as the gate sees it. */
export interface GatedRequest {
  permission: Permission;
  /** Not GET, HEAD or OPTIONS. */
  mutation: boolean;
  /** It publishes a post or schedules one (POST /v1/posts, releasing a held post). */
  publishes: boolean;
}

/** Whether `gate` stops `request`. */
export function stopsRequest(gate: Pick<SubscriptionGate, "stops">, request: GatedRequest): boolean {
  if (gate.stops === "nothing" || !request.mutation) return false;
  if (gate.stops === "publishing") return request.publishes;
  if (PERMISSIONS[request.permission].scope.startsWith("read:")) return false;
  return !WRITES_WHILE_CANCELED.includes(request.permission);
}

/** The 402 of a request the subscription stops: its state named, and what would lift it. */
export function paymentRequired(gate: SubscriptionGate): ProblemError {
  const detail =
    gate.stops === "writes"
      ? "The subscription is canceled: the tenant is read-only until it is active again"
      : `The subscription is past_due${gate.graceEndsAt ? ` and its grace ended at ${gate.graceEndsAt}` : ""}: publishing and new schedules are refused until a payment succeeds`;
  return new ProblemError("paymentRequired", detail, {
    subscription_status: gate.status,
    past_due_since: gate.pastDueSince,
    grace_ends_at: gate.graceEndsAt,
    refused: gate.stops,
  });
}
