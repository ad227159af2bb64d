// Stripe events in the global database (migrations/global/0020_billing.sql): each event id
// once, and its change to the tenant's directory row in the same batch
// (docs/billing.md, Stripe and subscription states).
//
// The batch is [change, record]. The change's UPDATE applies only while the event's id
// is not recorded and the event is not older than the newest one applied
// (billing_event_created); the record's INSERT then takes its outcome from the UPDATE's
// changes() (applied, or stale) and does nothing when the id is already there. D1 runs a
// batch as one transaction, in order, so two deliveries of one event cannot both apply
// it, and a failure between the two statements leaves neither.
import type { BillingChange } from "../billing/stripe-events";
import type { SubscriptionStatus } from "./tenants";

export type EventOutcome = "applied" | "stale" | "ignored" | "unmatched" | "ambiguous";

/** An event as the table keeps it. */
export interface EventRecord {
  eventId: string;
  type: string;
  /** Stripe's `created`, unix seconds. */
  created: number;
  customerId: string | null;
  receivedAt: string;
}

export interface StripeEventRow {
  event_id: string;
  type: string;
  created: number;
  customer_id: string | null;
  tenant_id: string | null;
  outcome: EventOutcome;
  detail: string | null;
  received_at: string;
}

/** The tenants whose customer is `customerId` (two at most: more than one is ambiguous). */
export async function tenantsOfCustomer(db: D1Database, customerId: string): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT tenant_id FROM tenants WHERE stripe_customer_id = ? ORDER BY tenant_id LIMIT 2")
    .bind(customerId)
    .all<{ tenant_id: string }>();
  return results.map((row) => row.tenant_id);
}

/** Records an event that changes no tenant; a repeat changes nothing (the batch's meta says 0 changes). */
export function recordEvent(
  db: D1Database,
  event: EventRecord,
  outcome: Exclude<EventOutcome, "applied" | "stale">,
  tenantId: string | null,
  detail: string | null,
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO stripe_events (event_id, type, created, customer_id, tenant_id, outcome, detail, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING`,
    )
    .bind(event.eventId, event.type, event.created, event.customerId, tenantId, outcome, detail, event.receivedAt);
}

/** The first failure's time of a past_due spell: kept while the tenant stays past_due. */
const KEEP_OR_SINCE =
  "CASE WHEN subscription_status = 'past_due' AND past_due_since IS NOT NULL THEN past_due_since ELSE ? END";

/** The UPDATE of `change` (its SET part and bindings), for a tenant not yet past the event. */
function changeStatement(
  change: Extract<BillingChange, { kind: "subscription" | "payment_failed" | "payment_succeeded" }>,
  sinceIso: string,
): { set: string; values: unknown[] } {
  switch (change.kind) {
    case "subscription": {
      const status: SubscriptionStatus = change.status;
      return {
        set: `subscription_status = ?, tier = COALESCE(?, tier),
              past_due_since = CASE WHEN ? <> 'past_due' THEN NULL ELSE (${KEEP_OR_SINCE}) END`,
        values: [status, change.tier, status, sinceIso],
      };
    }
    case "payment_failed":
      // A canceled subscription stays canceled: a failed invoice does not revive it.
      return {
        set: `subscription_status = CASE WHEN subscription_status = 'canceled' THEN 'canceled' ELSE 'past_due' END,
              past_due_since = CASE WHEN subscription_status = 'canceled' THEN past_due_since ELSE (${KEEP_OR_SINCE}) END`,
        values: [sinceIso],
      };
    case "payment_succeeded":
      return {
        set: `subscription_status = CASE WHEN subscription_status = 'past_due' THEN 'active' ELSE subscription_status END,
              past_due_since = CASE WHEN subscription_status = 'past_due' THEN NULL ELSE past_due_since END`,
        values: [],
      };
  }
}

/**
 * The batch that applies `change` to `tenantId` once: [change, record]. The record's
 * INSERT answers its outcome (RETURNING) when it was new; nothing when the id was
 * already recorded.
 */
export function applyEvent(
  db: D1Database,
  event: EventRecord,
  tenantId: string,
  change: Extract<BillingChange, { kind: "subscription" | "payment_failed" | "payment_succeeded" }>,
  detail: string | null,
): D1PreparedStatement[] {
  const { set, values } = changeStatement(change, new Date(event.created * 1000).toISOString());
  const update = db
    .prepare(
      `UPDATE tenants SET ${set}, billing_event_created = ?, updated_at = ?
       WHERE tenant_id = ? AND (billing_event_created IS NULL OR billing_event_created <= ?)
         AND NOT EXISTS (SELECT 1 FROM stripe_events WHERE event_id = ?)`,
    )
    .bind(...values, event.created, event.receivedAt, tenantId, event.created, event.eventId);
  const record = db
    .prepare(
      `INSERT INTO stripe_events (event_id, type, created, customer_id, tenant_id, outcome, detail, received_at)
       VALUES (?, ?, ?, ?, ?,
         CASE WHEN changes() > 0 THEN 'applied' ELSE 'stale' END,
         CASE WHEN changes() > 0 THEN ? ELSE 'older than the newest event applied to the tenant' END,
         ?)
       ON CONFLICT (event_id) DO NOTHING RETURNING outcome`,
    )
    .bind(event.eventId, event.type, event.created, event.customerId, tenantId, detail, event.receivedAt);
  return [update, record];
}

/** The recorded event (what became of it), or null. */
export function findStripeEvent(db: D1Database, eventId: string): Promise<StripeEventRow | null> {
  return db.prepare("SELECT * FROM stripe_events WHERE event_id = ?").bind(eventId).first<StripeEventRow>();
}
