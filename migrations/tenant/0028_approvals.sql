-- Migration 0028 (tenant): posts that wait for a person's approval (docs/approvals.md).
--
-- api_keys: a key says what it is. kind 'agent' marks a key an AI agent drafts with;
-- 'standard' (every key made before this migration) is a person's or an integration's.
-- requires_approval makes every post drafted with the key wait for an approver, whatever
-- the tenant's setting approvals.required_for says. Both are set when the key is made
-- (POST /v1/api-keys) and never change: a key that should act otherwise is replaced.
--
-- publish_requests: two statuses more. pending_approval: drafted, stored, neither
-- scheduled nor sent, until an approver approves it (then it goes the way of any post:
-- scheduled, published, refused) or rejects it (status rejected, with the reason). New
-- columns: approval_reason, why the post waited ('agent': drafted by an agent key or
-- through the MCP server; 'key': drafted with a key whose posts wait; 'editor': a member
-- drafting under approvals.required_for = editors_and_agents), set once and kept, so
-- every post that went through approval says so; drafted_by_key, the API key it was
-- drafted with (null: a session); decided_by and decided_at, the approver who approved
-- or rejected it (a member: a person's erasure rewrites it, src/core/placement/move/
-- tenant-tables.ts) and when; rejection_reason, exactly on a rejected post.
-- The table is rebuilt as migrations 0017 and 0020 rebuilt it (0017's comment says how
-- and why that is safe), keeping 0027's reconciliation and at_risk with their index.
--
-- revision_events: the seed's table keeps each version of a post that waits (its
-- draft, each edit, the decision), as it keeps the revisions of generated content.
-- post_id names the post (request_id holds the post's id too, as the seed's NOT NULL
-- wants); edited_by the member who made the version (a member: erased like decided_by);
-- snapshot the version itself (account, text, hashtags, media, scheduled_at); changed
-- the fields it changed from the version before. Deviations from the seed, for a post's
-- rows alone: content_id may be NULL (a post need not publish generated content), and
-- classification too (only an edit is classified, defect or preference); revision_type
-- adds 'drafted' and 'rejected' to the seed's three. A content revision is checked as
-- before. Rebuilt the same way (nothing references revision_events either), with the
-- seed's four indexes and one for a post's versions in order.

ALTER TABLE api_keys ADD COLUMN kind TEXT NOT NULL DEFAULT 'standard' CHECK (kind IN ('standard', 'agent'));
ALTER TABLE api_keys ADD COLUMN requires_approval BOOLEAN NOT NULL DEFAULT FALSE CHECK (requires_approval IN (0, 1));

CREATE TABLE publish_requests_approvals (
  request_id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  platform TEXT NOT NULL CHECK (platform IN ('linkedin', 'twitter', 'facebook', 'instagram')),
  status TEXT NOT NULL
    CHECK (status IN ('pending_approval', 'rejected', 'scheduled', 'held', 'published', 'failed', 'cancelled',
      'unknown')),
  idempotency_key TEXT,
  text TEXT NOT NULL,
  image_url TEXT,
  video_url TEXT,
  hashtags JSON CHECK (hashtags IS NULL OR (json_valid(hashtags) AND json_type(hashtags) = 'array')),
  scheduled_at TIMESTAMP,
  campaign_id TEXT,
  utm_params JSON CHECK (utm_params IS NULL OR (json_valid(utm_params) AND json_type(utm_params) = 'object')),
  content_id TEXT,
  requested_by TEXT,
  platform_post_id TEXT,
  platform_post_url TEXT,
  published_at TIMESTAMP,
  error_type TEXT,
  error_message TEXT,
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  held_reason TEXT CHECK (held_reason IN ('tenant_suspended', 'tenant_deleted', 'author_removed',
    'subscription_canceled', 'subscription_past_due')),
  reconciliation JSON
    CHECK (reconciliation IS NULL OR (json_valid(reconciliation) AND json_type(reconciliation) = 'object')),
  at_risk JSON CHECK (at_risk IS NULL OR (json_valid(at_risk) AND json_type(at_risk) = 'object')),
  approval_reason TEXT CHECK (approval_reason IN ('agent', 'key', 'editor')),
  drafted_by_key TEXT,
  decided_by TEXT,
  decided_at TIMESTAMP,
  rejection_reason TEXT CHECK (rejection_reason IS NULL OR length(rejection_reason) BETWEEN 1 AND 1000),
  FOREIGN KEY (tenant_id) REFERENCES tenant_residency(tenant_id),
  FOREIGN KEY (account_id, tenant_id) REFERENCES social_accounts(account_id, tenant_id),
  FOREIGN KEY (content_id, tenant_id) REFERENCES generated_content(content_id, tenant_id),
  CHECK (status <> 'published' OR (platform_post_id IS NOT NULL AND published_at IS NOT NULL)),
  CHECK (status NOT IN ('scheduled', 'held') OR scheduled_at IS NOT NULL),
  CHECK ((status = 'held') = (held_reason IS NOT NULL)),
  -- A post waits only with its reason, and only a post that waited is decided on.
  CHECK (status NOT IN ('pending_approval', 'rejected') OR approval_reason IS NOT NULL),
  CHECK (decided_by IS NULL OR approval_reason IS NOT NULL),
  CHECK ((status = 'rejected') = (rejection_reason IS NOT NULL)),
  CHECK (status <> 'rejected' OR (decided_by IS NOT NULL AND decided_at IS NOT NULL))
);
INSERT INTO publish_requests_approvals (request_id, tenant_id, account_id, platform, status, idempotency_key, text,
  image_url, video_url, hashtags, scheduled_at, campaign_id, utm_params, content_id, requested_by, platform_post_id,
  platform_post_url, published_at, error_type, error_message, created_at, updated_at, held_reason, reconciliation,
  at_risk)
SELECT request_id, tenant_id, account_id, platform, status, idempotency_key, text, image_url, video_url, hashtags,
  scheduled_at, campaign_id, utm_params, content_id, requested_by, platform_post_id, platform_post_url, published_at,
  error_type, error_message, created_at, updated_at, held_reason, reconciliation, at_risk
FROM publish_requests;
DROP TABLE publish_requests;
ALTER TABLE publish_requests_approvals RENAME TO publish_requests;
CREATE INDEX idx_publish_requests_account_list ON publish_requests(tenant_id, account_id, request_id DESC);
-- Held and waiting posts are as rare as scheduled ones: listed by status from this index
-- (GET /v1/posts?status=held, ?status=pending_approval, the operator's list).
CREATE INDEX idx_publish_requests_unpublished ON publish_requests(tenant_id, status, account_id, request_id DESC)
  WHERE status <> 'published';
CREATE INDEX idx_publish_requests_content ON publish_requests(content_id, tenant_id)
  WHERE content_id IS NOT NULL;
CREATE INDEX idx_publish_requests_at_risk ON publish_requests(tenant_id, request_id DESC)
  WHERE at_risk IS NOT NULL AND status = 'scheduled';

CREATE TABLE revision_events_posts (
  event_id TEXT PRIMARY KEY NOT NULL,
  request_id TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  content_id TEXT,
  skill_id TEXT,
  skill_version_id TEXT,
  classification TEXT CHECK (classification IN ('defect', 'preference')),
  confidence REAL CHECK (confidence BETWEEN 0 AND 1),
  labels_defect JSON CHECK (labels_defect IS NULL OR (json_valid(labels_defect) AND json_type(labels_defect) = 'array')),
  labels_preference JSON
    CHECK (labels_preference IS NULL OR (json_valid(labels_preference) AND json_type(labels_preference) = 'array')),
  user_notes TEXT,
  revision_type TEXT NOT NULL
    CHECK (revision_type IN ('regenerate', 'manual_edit', 'approved', 'drafted', 'rejected')),
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  post_id TEXT,
  edited_by TEXT,
  snapshot JSON CHECK (snapshot IS NULL OR (json_valid(snapshot) AND json_type(snapshot) = 'object')),
  changed JSON CHECK (changed IS NULL OR (json_valid(changed) AND json_type(changed) = 'array')),
  FOREIGN KEY (tenant_id) REFERENCES tenant_residency(tenant_id),
  -- Content of the same tenant only.
  FOREIGN KEY (content_id, tenant_id) REFERENCES generated_content(content_id, tenant_id),
  -- A content revision as the seed has it; a post's version with its snapshot.
  CHECK (post_id IS NOT NULL OR (content_id IS NOT NULL AND classification IS NOT NULL)),
  CHECK (post_id IS NULL OR (snapshot IS NOT NULL AND request_id = post_id)),
  CHECK (revision_type NOT IN ('drafted', 'rejected') OR post_id IS NOT NULL)
);
INSERT INTO revision_events_posts (event_id, request_id, tenant_id, content_id, skill_id, skill_version_id,
  classification, confidence, labels_defect, labels_preference, user_notes, revision_type, created_at)
SELECT event_id, request_id, tenant_id, content_id, skill_id, skill_version_id, classification, confidence,
  labels_defect, labels_preference, user_notes, revision_type, created_at
FROM revision_events;
DROP TABLE revision_events;
ALTER TABLE revision_events_posts RENAME TO revision_events;
CREATE INDEX idx_revision_events_skill ON revision_events(skill_id);
CREATE INDEX idx_revision_events_tenant ON revision_events(tenant_id, created_at DESC);
CREATE INDEX idx_revision_events_classification ON revision_events(classification);
CREATE INDEX idx_revision_events_content ON revision_events(content_id);
-- GET /v1/posts/{id}/revisions: a post's versions, oldest first.
CREATE INDEX idx_revision_events_post ON revision_events(tenant_id, post_id, event_id) WHERE post_id IS NOT NULL;
