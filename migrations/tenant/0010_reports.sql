-- Migration 0010: reports (README, "Reports": A/B tests, conversions with
-- multi-touch attribution, ROI by campaign). The analytics flush needed no D1 migration of its own.
--
-- ab_tests: what the seed's row cannot say. The metric (a proportion read from
-- post_analytics), the minimum sample per variant below which no winner is named,
-- the significance level, and the figures of the last evaluation (results), so a
-- completed test keeps the evidence it was decided on.

ALTER TABLE ab_tests ADD COLUMN metric TEXT NOT NULL DEFAULT 'engagement_rate'
  CHECK (metric IN ('engagement_rate', 'click_through', 'share_rate'));
ALTER TABLE ab_tests ADD COLUMN min_sample INTEGER NOT NULL DEFAULT 1000 CHECK (min_sample >= 1);
ALTER TABLE ab_tests ADD COLUMN alpha REAL NOT NULL DEFAULT 0.05 CHECK (alpha > 0 AND alpha < 1);
ALTER TABLE ab_tests ADD COLUMN results JSON
  CHECK (results IS NULL OR (json_valid(results) AND json_type(results) = 'object'));
ALTER TABLE ab_tests ADD COLUMN evaluated_at TIMESTAMP;
ALTER TABLE ab_tests ADD COLUMN created_by TEXT;

-- A tenant's tests newest first (ids are ULIDs), for the cursor list.
CREATE INDEX idx_ab_tests_tenant_test ON ab_tests(tenant_id, test_id);

-- conversions: an optional client Idempotency-Key, so a retried tracking call cannot
-- count a purchase twice (unique per tenant, kept as long as the row).
ALTER TABLE conversions ADD COLUMN idempotency_key TEXT
  CHECK (idempotency_key IS NULL OR length(idempotency_key) BETWEEN 1 AND 255);
CREATE UNIQUE INDEX uq_conversions_idempotency ON conversions(tenant_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

-- A session's touches (its page views, oldest to newest), read for every attributed
-- conversion; and a tenant's conversions in id order for the cursor list.
CREATE INDEX idx_conversions_session ON conversions(tenant_id, session_id, conversion_type, tracked_at)
  WHERE session_id IS NOT NULL;
CREATE INDEX idx_conversions_tenant_id ON conversions(tenant_id, conversion_id);

-- The target of conversion_attributions' composite foreign keys (a credit row can
-- only name conversions of its own tenant).
CREATE UNIQUE INDEX uq_conversions_conversion_tenant ON conversions(conversion_id, tenant_id);

-- conversion_attributions: each touch's share of a conversion under each model. The
-- seed's conversions row holds one model and one weight; credit shared across a
-- session's touches needs one row per (conversion, model, touch). A touch is a page
-- view of the session (a conversions row naming the post that brought the visitor)
-- or the conversion itself; its post and time are copied here so ROI reads one
-- table. A conversion's weights under one model sum to 1. Written in the batch that
-- records the conversion, and never changed.
CREATE TABLE conversion_attributions (
  conversion_id TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  model TEXT NOT NULL CHECK (model IN ('first_touch', 'last_touch', 'linear', 'time_decay')),
  touch_id TEXT NOT NULL,
  post_id TEXT NOT NULL,
  touched_at TIMESTAMP NOT NULL,
  -- The touch's place in the session, oldest first (0), so ties in time keep the
  -- order the weights were computed in.
  position INTEGER NOT NULL CHECK (position >= 0),
  weight REAL NOT NULL CHECK (weight BETWEEN 0 AND 1),
  PRIMARY KEY (conversion_id, model, touch_id),
  FOREIGN KEY (tenant_id) REFERENCES tenant_residency(tenant_id),
  FOREIGN KEY (conversion_id, tenant_id) REFERENCES conversions(conversion_id, tenant_id),
  FOREIGN KEY (touch_id, tenant_id) REFERENCES conversions(conversion_id, tenant_id),
  FOREIGN KEY (post_id, tenant_id) REFERENCES published_posts(post_id, tenant_id)
);

-- ROI: a campaign's posts, then their touches' credit under one model.
CREATE INDEX idx_conversion_attributions_post ON conversion_attributions(post_id, model);
