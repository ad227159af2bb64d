-- Migration 0026 (tenant): outgoing webhooks (docs/webhooks.md).
--
-- webhook_endpoints: where a tenant's events go. The signing secret is AES-GCM under the
-- tenant's key (src/core/crypto/secret-columns.ts), "enc1:<base64>" like an MFA secret;
-- while a rotated-out secret is still honoured (24 hours) it is kept beside the new one.
-- failing_since is the first failed delivery since the last one delivered: three days of
-- it disable the endpoint (disabled_reason 'failing'); a 410 disables it at once ('gone').
CREATE TABLE webhook_endpoints (
  endpoint_id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL,
  url TEXT NOT NULL,
  description TEXT,
  events JSON NOT NULL CHECK (json_valid(events) AND json_type(events) = 'array'),
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  disabled_reason TEXT CHECK (disabled_reason IN ('manual', 'gone', 'failing')),
  disabled_at TIMESTAMP,
  failing_since TIMESTAMP,
  secret_encrypted TEXT NOT NULL,
  previous_secret_encrypted TEXT,
  previous_secret_expires_at TIMESTAMP,
  created_by TEXT,
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  FOREIGN KEY (tenant_id) REFERENCES tenant_residency(tenant_id),
  CHECK ((enabled = 0) = (disabled_reason IS NOT NULL))
);
-- A tenant's endpoints in id order (the list, and the object's subscriptions); the
-- target of the deliveries' composite foreign key.
CREATE UNIQUE INDEX idx_webhook_endpoints_tenant ON webhook_endpoints(tenant_id, endpoint_id);

-- webhook_events: each event made for at least one endpoint, with the exact body
-- delivered (signed anew at each attempt), kept for redelivery. post_id names the post
-- of a post event.
CREATE TABLE webhook_events (
  event_id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL,
  type TEXT NOT NULL,
  post_id TEXT,
  body TEXT NOT NULL,
  created_at TIMESTAMP NOT NULL,
  FOREIGN KEY (tenant_id) REFERENCES tenant_residency(tenant_id)
);
-- Retention deletes a tenant's events past their 30 days from here.
CREATE INDEX idx_webhook_events_tenant_time ON webhook_events(tenant_id, created_at);

-- webhook_deliveries: the delivery log, one row per attempt of one event to one
-- endpoint. A row is made 'pending' when its attempt is queued (next_retry_at: when it
-- is due), and becomes 'delivered', 'failed' or 'cancelled' (the endpoint was disabled
-- or the tenant stopped before it ran). attempt counts every attempt of the event to
-- the endpoint; try_number counts within one series (the event, a redelivery, a test),
-- which the retry schedule reads (src/core/webhooks/retry-schedule.ts).
CREATE TABLE webhook_deliveries (
  delivery_id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL,
  endpoint_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  attempt INTEGER NOT NULL CHECK (attempt >= 1),
  try_number INTEGER NOT NULL CHECK (try_number >= 1),
  origin TEXT NOT NULL CHECK (origin IN ('event', 'redelivery', 'test')),
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
  response_status INTEGER,
  latency_ms INTEGER,
  error TEXT,
  attempted_at TIMESTAMP,
  next_retry_at TIMESTAMP,
  created_at TIMESTAMP NOT NULL,
  FOREIGN KEY (tenant_id) REFERENCES tenant_residency(tenant_id),
  FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints(tenant_id, endpoint_id) ON DELETE CASCADE
);
-- The log of an endpoint, newest first (GET /v1/webhook-endpoints/{id}/deliveries, keyset by id).
CREATE INDEX idx_webhook_deliveries_endpoint ON webhook_deliveries(tenant_id, endpoint_id, delivery_id DESC);
-- One row per attempt: a queue message repeated, or a drain run again after a reset,
-- finds its row instead of making a second one.
CREATE UNIQUE INDEX idx_webhook_deliveries_attempt ON webhook_deliveries(tenant_id, endpoint_id, event_id, attempt);
-- Retention deletes a tenant's attempts past their 30 days from here.
CREATE INDEX idx_webhook_deliveries_tenant_time ON webhook_deliveries(tenant_id, created_at);
