-- Migration 0020 (global; its tenant part is tenant/0020_subscription_holds.sql): billing from Stripe (docs/billing.md, Stripe and subscription states).
--
-- * tenants.past_due_since: when the first failed payment of the current past_due spell
--   happened (from the Stripe event's `created`); the grace (settings.past_due_grace_days,
--   default 7) counts from it. NULL unless subscription_status is past_due.
-- * tenants.billing_event_created: Stripe's `created` (seconds) of the newest event applied
--   to the tenant. An event older than it changes nothing (Stripe does not deliver in order).
-- * stripe_events: every Stripe event the webhook took, by its id, with what became of it.
--   A delivery's change to the tenant and its row here are one batch (src/core/db/stripe-events.ts),
--   and the change applies only while the id is absent: an event applies once, whatever
--   Stripe repeats, and a crash between the two cannot happen.
--   outcome: applied (the tenant's row took it), stale (older than billing_event_created),
--   ignored (a type or status that changes nothing), unmatched (no tenant has the
--   customer), ambiguous (more than one tenant has it: nothing applied, the operator must
--   fix the customer ids). `detail` says more for the operator.

ALTER TABLE tenants ADD COLUMN past_due_since TIMESTAMP;
ALTER TABLE tenants ADD COLUMN billing_event_created INTEGER;

CREATE TABLE stripe_events (
  event_id TEXT PRIMARY KEY NOT NULL CHECK (length(event_id) BETWEEN 1 AND 255),
  type TEXT NOT NULL,
  created INTEGER NOT NULL,
  customer_id TEXT,
  tenant_id TEXT,
  outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'stale', 'ignored', 'unmatched', 'ambiguous')),
  detail TEXT,
  received_at TIMESTAMP NOT NULL
);
-- The operator's look at what a tenant's billing did, newest first.
CREATE INDEX idx_stripe_events_tenant ON stripe_events(tenant_id, created DESC) WHERE tenant_id IS NOT NULL;
-- A customer's events, by the tenant's erasure (src/core/erasure/directory.ts deletes the
-- events of its Stripe customer, matched or not, without reading every tenant's).
CREATE INDEX idx_stripe_events_customer ON stripe_events(customer_id) WHERE customer_id IS NOT NULL;
