// The TenantObject's own SQLite schema, append-only. Add a migration at the end;
// never edit or reorder one that has shipped.
import type { ObjectMigration } from "./migrate";

export const TENANT_OBJECT_MIGRATIONS: readonly ObjectMigration[] = [
  {
    version: 1,
    name: "meta",
    sql: `
      -- Facts about the object itself (its tenant id survives hibernation here).
      CREATE TABLE meta (
        key TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: "identity",
    sql: `
      -- Named timers multiplexed on the one alarm.
      CREATE TABLE timers (
        name TEXT PRIMARY KEY NOT NULL,
        due_at_ms INTEGER NOT NULL
      );
      -- Sliding log of admitted requests per API key (exact hourly limits).
      CREATE TABLE api_key_hits (
        key_id TEXT NOT NULL,
        at_ms INTEGER NOT NULL
      );
      CREATE INDEX api_key_hits_key_time ON api_key_hits (key_id, at_ms);
      -- Absolute usage per key, flushed to D1 api_keys (use_count, last_used_at).
      CREATE TABLE api_key_usage (
        key_id TEXT PRIMARY KEY NOT NULL,
        use_count INTEGER NOT NULL,
        last_used_ms INTEGER NOT NULL,
        dirty INTEGER NOT NULL DEFAULT 1
      );
      -- Sign-in attempts within the throttle window, per e-mail and per client address.
      CREATE TABLE login_attempts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        subject TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        parent_id INTEGER
      );
      CREATE INDEX login_attempts_subject_time ON login_attempts (subject, at_ms);
      -- The last TOTP time step each user signed in with (replay protection).
      CREATE TABLE totp_steps (
        user_id TEXT PRIMARY KEY NOT NULL,
        last_step INTEGER NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: "publishing",
    sql: `
      -- Pending OAuth authorizations (single use, expiring).
      CREATE TABLE oauth_states (
        state TEXT PRIMARY KEY NOT NULL,
        platform TEXT NOT NULL,
        user_id TEXT NOT NULL,
        redirect_uri TEXT NOT NULL,
        return_to TEXT,
        code_verifier TEXT,
        expires_at_ms INTEGER NOT NULL
      );
      -- Token version, refresh lease and refresh backoff per social account.
      CREATE TABLE account_state (
        account_id TEXT PRIMARY KEY NOT NULL,
        version INTEGER NOT NULL DEFAULT 0,
        lease_id TEXT,
        lease_expires_ms INTEGER,
        lease_version INTEGER,
        backoff_until_ms INTEGER NOT NULL DEFAULT 0,
        failures INTEGER NOT NULL DEFAULT 0,
        rejected_version INTEGER,
        refreshed_at_ms INTEGER NOT NULL DEFAULT 0
      );
      -- Admitted platform calls per account (the sliding windows).
      CREATE TABLE rate_hits (
        account_id TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        attempt_id TEXT NOT NULL
      );
      CREATE INDEX rate_hits_account_time ON rate_hits (account_id, at_ms);
      CREATE INDEX rate_hits_attempt ON rate_hits (attempt_id);
      -- The latest quota a platform reported per account.
      CREATE TABLE platform_quota (
        account_id TEXT PRIMARY KEY NOT NULL,
        remaining INTEGER NOT NULL,
        reset_at_ms INTEGER NOT NULL,
        reported_at_ms INTEGER NOT NULL,
        source TEXT NOT NULL
      );
      -- Admitted calls per platform and hour, flushed to D1 rate_limits.
      CREATE TABLE usage_buckets (
        platform TEXT NOT NULL,
        bucket_start_ms INTEGER NOT NULL,
        count INTEGER NOT NULL,
        dirty INTEGER NOT NULL DEFAULT 1,
        PRIMARY KEY (platform, bucket_start_ms)
      );
      CREATE TABLE idempotency (
        key TEXT PRIMARY KEY NOT NULL,
        attempt_id TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        status INTEGER,
        body TEXT,
        created_at_ms INTEGER NOT NULL
      );
      -- Publishes in flight and finished (their answers), per attempt.
      CREATE TABLE attempts (
        attempt_id TEXT PRIMARY KEY NOT NULL,
        account_id TEXT NOT NULL,
        platform TEXT NOT NULL,
        input TEXT NOT NULL,
        state TEXT NOT NULL,
        answer TEXT,
        row TEXT,
        created_at_ms INTEGER NOT NULL,
        updated_at_ms INTEGER NOT NULL
      );
      CREATE INDEX attempts_state ON attempts (state, updated_at_ms);
      CREATE TABLE scheduled_posts (
        request_id TEXT PRIMARY KEY NOT NULL,
        account_id TEXT NOT NULL,
        due_at_ms INTEGER NOT NULL,
        input TEXT NOT NULL,
        tries INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX scheduled_posts_due ON scheduled_posts (due_at_ms);
      CREATE INDEX scheduled_posts_account ON scheduled_posts (account_id);
    `,
  },
  {
    version: 4,
    name: "analytics",
    sql: `
      -- Live counters per published post, with the engagements counted within each
      -- early window (for velocity) and a version per change for the flush.
      CREATE TABLE post_counters (
        post_id TEXT PRIMARY KEY NOT NULL,
        platform TEXT NOT NULL,
        account_id TEXT NOT NULL,
        platform_post_id TEXT NOT NULL,
        published_at_ms INTEGER NOT NULL,
        likes INTEGER NOT NULL DEFAULT 0,
        comments INTEGER NOT NULL DEFAULT 0,
        shares INTEGER NOT NULL DEFAULT 0,
        saves INTEGER NOT NULL DEFAULT 0,
        clicks INTEGER NOT NULL DEFAULT 0,
        bookmarks INTEGER NOT NULL DEFAULT 0,
        impressions INTEGER NOT NULL DEFAULT 0,
        reach INTEGER NOT NULL DEFAULT 0,
        unique_impressions INTEGER NOT NULL DEFAULT 0,
        video_views INTEGER,
        video_avg_watch_time INTEGER,
        video_complete_views INTEGER,
        followers INTEGER,
        eng_1h INTEGER NOT NULL DEFAULT 0,
        eng_24h INTEGER NOT NULL DEFAULT 0,
        eng_7d INTEGER NOT NULL DEFAULT 0,
        updated_at_ms INTEGER NOT NULL,
        version INTEGER NOT NULL DEFAULT 0,
        flushed_version INTEGER NOT NULL DEFAULT 0,
        flush_count INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX post_counters_unflushed ON post_counters (updated_at_ms) WHERE version > flushed_version;
      CREATE INDEX post_counters_published ON post_counters (published_at_ms);
      -- Batches of events already applied, by Idempotency-Key (kept a day).
      CREATE TABLE ingest_batches (
        key TEXT PRIMARY KEY NOT NULL,
        at_ms INTEGER NOT NULL,
        accepted INTEGER NOT NULL
      );
      -- Single-use tickets for live dashboards.
      CREATE TABLE live_tickets (
        ticket TEXT PRIMARY KEY NOT NULL,
        user_id TEXT NOT NULL,
        expires_at_ms INTEGER NOT NULL
      );
      -- Pulling insights from the platforms: when, and the open error if any.
      CREATE TABLE insight_syncs (
        post_id TEXT PRIMARY KEY NOT NULL,
        last_synced_ms INTEGER NOT NULL DEFAULT 0,
        open_error_id TEXT,
        retry_count INTEGER NOT NULL DEFAULT 0
      );
    `,
  },
  {
    version: 5,
    name: "engagement-series",
    sql: `
      -- Engagements and impressions gained per minute, for dashboard charts (two days).
      CREATE TABLE engagement_minutes (
        bucket_ms INTEGER PRIMARY KEY NOT NULL,
        engagements INTEGER NOT NULL DEFAULT 0,
        impressions INTEGER NOT NULL DEFAULT 0
      );
    `,
  },
  {
    version: 6,
    name: "platform-syncs",
    sql: `
      -- When a post's figures were last pulled from its platform, and how often
      -- (post_analytics.synced_at and sync_count; client events leave them alone),
      -- and what D1 last received of each, so a flush assigns an indexed column
      -- only when it changed.
      ALTER TABLE post_counters ADD COLUMN synced_at_ms INTEGER;
      ALTER TABLE post_counters ADD COLUMN sync_count INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE post_counters ADD COLUMN flushed_sync_count INTEGER NOT NULL DEFAULT 1;
      -- The anomaly flag D1 last received (is_anomaly is in a partial index).
      ALTER TABLE post_counters ADD COLUMN flushed_anomaly INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 7,
    name: "insight-cadence",
    sql: `
      -- When each post is next pulled from its platform (0: due now). Young posts are
      -- pulled often, older ones rarely (see insights-sync.ts, pullInterval).
      ALTER TABLE insight_syncs ADD COLUMN next_sync_ms INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 8,
    name: "oauth-binding",
    sql: `
      -- An OAuth flow is bound to the browser that started it (objects/parts/oauth-states.ts):
      -- the platform's authorize URL is handed out only by the first-party start route,
      -- and only the SHA-256 of the browser's binding secret is kept. States made before
      -- this migration have no binding and can no longer complete (ten minutes at most).
      ALTER TABLE oauth_states ADD COLUMN authorize_url TEXT;
      ALTER TABLE oauth_states ADD COLUMN binding_hash TEXT;
      ALTER TABLE oauth_states ADD COLUMN claimed_at_ms INTEGER;
    `,
  },
  {
    version: 9,
    name: "audit-outbox",
    sql: `
      -- Audit rows of changes to the global database that the tenant's shard refused
      -- at the time (objects/identity/audit-outbox.ts): kept here until it takes them.
      CREATE TABLE audit_outbox (
        log_id TEXT PRIMARY KEY NOT NULL,
        row_json TEXT NOT NULL
      );
    `,
  },
  {
    version: 10,
    name: "tenant-move",
    sql: `
      -- A move of the tenant to another shard of its region (objects/placement/tenant-move.ts):
      -- the current or last move, and the rows of the table being copied still to copy.
      CREATE TABLE tenant_move (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        from_shard TEXT NOT NULL,
        to_shard TEXT NOT NULL,
        phase TEXT NOT NULL,
        table_index INTEGER NOT NULL DEFAULT 0,
        listed INTEGER NOT NULL DEFAULT 0,
        rows_copied INTEGER NOT NULL DEFAULT 0,
        started_ms INTEGER NOT NULL,
        switched_ms INTEGER,
        finished_ms INTEGER,
        error TEXT
      );
      CREATE TABLE move_rowids (
        table_name TEXT NOT NULL,
        src_rowid INTEGER NOT NULL,
        PRIMARY KEY (table_name, src_rowid)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 11,
    name: "media-containers",
    sql: `
      -- Instagram video containers still processing (objects/publishing/container-poller.ts):
      -- the post was answered 202 "processing"; the alarm polls its container about once
      -- a minute and publishes THIS container when it is FINISHED. state 'waiting': not
      -- yet published; 'publishing': media_publish was sent (its outcome may be unknown,
      -- so the next run asks the container before sending it again).
      CREATE TABLE media_containers (
        attempt_id TEXT PRIMARY KEY NOT NULL,
        account_id TEXT NOT NULL,
        container_id TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL,
        next_poll_ms INTEGER NOT NULL,
        polls INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'publishing'))
      );
      CREATE INDEX media_containers_due ON media_containers (next_poll_ms);
    `,
  },
  {
    version: 12,
    name: "move-keys",
    sql: `
      -- A move lists each table's rows by its key: the rowid, or the primary key of a
      -- WITHOUT ROWID table (shard migration 0015: audit_logs, post_analytics), a TEXT
      -- value. The column has no declared type, so a key is kept as given (an INTEGER
      -- column would turn a numeric-looking text into a number and change its order).
      -- A listing under way is carried over.
      CREATE TABLE move_keys (
        table_name TEXT NOT NULL,
        src_key NOT NULL,
        PRIMARY KEY (table_name, src_key)
      ) WITHOUT ROWID;
      INSERT INTO move_keys (table_name, src_key) SELECT table_name, src_rowid FROM move_rowids;
      DROP TABLE move_rowids;
    `,
  },
  {
    version: 13,
    name: "campaign-ledger",
    sql: `
      -- ROI by campaign as running totals (objects/analytics/campaign-ledger.ts): each campaign post of the last 365 days with what it brought, and per fixed
      -- window and campaign the sums of the posts published since the window's cutoff.
      -- A report reads one row per campaign; posts leave a window as its cutoff moves.
      CREATE TABLE campaign_posts (
        post_id TEXT PRIMARY KEY NOT NULL,
        campaign_id TEXT NOT NULL,
        published_at_ms INTEGER NOT NULL,
        impressions INTEGER NOT NULL DEFAULT 0,
        clicks INTEGER NOT NULL DEFAULT 0,
        page_views INTEGER NOT NULL DEFAULT 0,
        conv_first_touch REAL NOT NULL DEFAULT 0,
        rev_first_touch REAL NOT NULL DEFAULT 0,
        conv_last_touch REAL NOT NULL DEFAULT 0,
        rev_last_touch REAL NOT NULL DEFAULT 0,
        conv_linear REAL NOT NULL DEFAULT 0,
        rev_linear REAL NOT NULL DEFAULT 0,
        conv_time_decay REAL NOT NULL DEFAULT 0,
        rev_time_decay REAL NOT NULL DEFAULT 0
      );
      CREATE INDEX campaign_posts_published ON campaign_posts (published_at_ms);
      CREATE TABLE campaign_totals (
        window_days INTEGER NOT NULL,
        campaign_id TEXT NOT NULL,
        posts INTEGER NOT NULL DEFAULT 0,
        impressions INTEGER NOT NULL DEFAULT 0,
        clicks INTEGER NOT NULL DEFAULT 0,
        page_views INTEGER NOT NULL DEFAULT 0,
        conv_first_touch REAL NOT NULL DEFAULT 0,
        rev_first_touch REAL NOT NULL DEFAULT 0,
        conv_last_touch REAL NOT NULL DEFAULT 0,
        rev_last_touch REAL NOT NULL DEFAULT 0,
        conv_linear REAL NOT NULL DEFAULT 0,
        rev_linear REAL NOT NULL DEFAULT 0,
        conv_time_decay REAL NOT NULL DEFAULT 0,
        rev_time_decay REAL NOT NULL DEFAULT 0,
        PRIMARY KEY (window_days, campaign_id)
      ) WITHOUT ROWID;
      -- A window's totals hold the campaign posts published at or after cutoff_ms.
      CREATE TABLE campaign_windows (
        window_days INTEGER PRIMARY KEY NOT NULL,
        cutoff_ms INTEGER NOT NULL
      );
      INSERT INTO campaign_windows (window_days, cutoff_ms) VALUES (7, 0), (30, 0), (90, 0), (365, 0);
      -- The campaign a counted post belongs to: the object's own account of its campaign
      -- posts, which a rebuild from D1 keeps even while D1 lacks a post's record.
      ALTER TABLE post_counters ADD COLUMN campaign_id TEXT;
      CREATE INDEX post_counters_campaign ON post_counters (published_at_ms) WHERE campaign_id IS NOT NULL;
      -- Conversions already credited, for an hour or two: a credit sent twice, or sent
      -- for a conversion a rebuild had already read, counts once.
      CREATE TABLE campaign_conversions (
        conversion_id TEXT PRIMARY KEY NOT NULL,
        at_ms INTEGER NOT NULL
      );
    `,
  },
  {
    version: 14,
    name: "oauth-consent",
    sql: `
      -- A start URL opened by a browser other than the one that asked for it (a forwarded
      -- link) continues only after that browser confirms on this site's page, which names
      -- the tenant and the member who asked (objects/publishing/oauth-states.ts). The
      -- callback checks that member, and the API key they used, are still allowed.
      -- key_id: the key connect was called with (null: a session).
      ALTER TABLE oauth_states ADD COLUMN key_id TEXT;
      -- 1 when the browser claimed the state by opening its start URL.
      ALTER TABLE oauth_states ADD COLUMN claimed_by_link INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE oauth_states ADD COLUMN consented_at_ms INTEGER;
    `,
  },
  {
    version: 15,
    name: "sessions-and-sign-in",
    sql: `
      -- Live sessions (objects/identity/sessions.ts): a session token (its jti) is good
      -- only while its row is here, so signing out, a password change or reset, an MFA
      -- change or the user's removal or suspension refuse it on the very next request.
      -- A row leaves when its 12 hours are over.
      CREATE TABLE sessions (
        session_id TEXT PRIMARY KEY NOT NULL,
        user_id TEXT NOT NULL,
        started_at_ms INTEGER NOT NULL,
        expires_at_ms INTEGER NOT NULL
      );
      CREATE INDEX sessions_user ON sessions (user_id, started_at_ms);
      CREATE INDEX sessions_expiry ON sessions (expires_at_ms);
      -- Single-use password reset links (objects/identity/password-resets.ts): only
      -- the SHA-256 of the token, one live link per user, an hour each.
      CREATE TABLE password_resets (
        token_digest TEXT PRIMARY KEY NOT NULL,
        user_id TEXT NOT NULL UNIQUE,
        expires_at_ms INTEGER NOT NULL
      );
      CREATE INDEX password_resets_expiry ON password_resets (expires_at_ms);
      -- Failed sign-ins per (account, client address) (objects/identity/login-throttle.ts):
      -- the growing delay of one address guessing one account. Forgotten a day after
      -- the pair's last failure, or at its first success.
      CREATE TABLE login_failures (
        account TEXT NOT NULL,
        address TEXT NOT NULL,
        failures INTEGER NOT NULL,
        last_at_ms INTEGER NOT NULL,
        PRIMARY KEY (account, address)
      ) WITHOUT ROWID;
      CREATE INDEX login_failures_last ON login_failures (last_at_ms);
    `,
  },
  {
    version: 16,
    name: "held-posts",
    sql: `
      -- A scheduled post that came due while the tenant was stopped or its author removed
      -- is held (objects/publishing/post-holds.ts): it stays in the schedule, never fired,
      -- until released with a new due time or cancelled. held_reason: tenant_suspended,
      -- tenant_deleted or author_removed.
      ALTER TABLE scheduled_posts ADD COLUMN held_reason TEXT;
      -- The hold's audit row (its id fixed), kept until D1 has the hold with it.
      ALTER TABLE scheduled_posts ADD COLUMN hold_audit TEXT;
      -- An owner or admin who released the post over its author's removal: the one who
      -- answers for it when it fires, in the author's place.
      ALTER TABLE scheduled_posts ADD COLUMN vouched_by TEXT;
      -- The alarm looks only at posts that may fire.
      DROP INDEX scheduled_posts_due;
      CREATE INDEX scheduled_posts_due ON scheduled_posts (due_at_ms) WHERE held_reason IS NULL;
    `,
  },
  {
    version: 17,
    name: "live-ticket-sessions",
    sql: `
      -- The session a live ticket was asked for with (NULL: an API key's ticket): ending
      -- that session voids the ticket (objects/analytics/live-access.ts).
      ALTER TABLE live_tickets ADD COLUMN session_id TEXT;
      CREATE INDEX live_tickets_session ON live_tickets (session_id) WHERE session_id IS NOT NULL;
    `,
  },
  {
    version: 18,
    name: "monthly-posts-quota",
    sql: `
      -- The plan's posts a month (objects/publishing/post-quota.ts, docs/billing.md):
      -- each post admitted to publish now or to the schedule is counted once, in the
      -- calendar month (UTC, the object's clock) it was admitted in, and given back
      -- once when it ends without going out. counted_posts says which posts are
      -- counted (a repeat or a reset counts none twice, gives none back twice);
      -- monthly_posts keeps each month's total, read at every admission.
      CREATE TABLE counted_posts (
        attempt_id TEXT PRIMARY KEY NOT NULL,
        month TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX counted_posts_month ON counted_posts (month);
      CREATE TABLE monthly_posts (
        month TEXT PRIMARY KEY NOT NULL,
        used INTEGER NOT NULL CHECK (used >= 0)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 21,
    name: "tenant-exports",
    sql: `
      -- A tenant's exports (objects/privacy/tenant-export.ts, docs/privacy.md): the job's
      -- checkpoint, run on the alarm a page at a time. source_index and source_path name
      -- the file being written, cursor the key of the last row written to it (JSON),
      -- part_seq its next part in R2; file_rows and file_bytes what it holds so far. A
      -- page is written to R2 before its checkpoint moves, so a reset between the two
      -- writes the same part again.
      CREATE TABLE tenant_exports (
        export_id TEXT PRIMARY KEY NOT NULL,
        requested_by TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'ready', 'failed')),
        region TEXT NOT NULL,
        shard TEXT NOT NULL,
        source_index INTEGER NOT NULL DEFAULT 0,
        source_path TEXT,
        cursor TEXT,
        part_seq INTEGER NOT NULL DEFAULT 0,
        file_rows INTEGER NOT NULL DEFAULT 0,
        file_bytes INTEGER NOT NULL DEFAULT 0,
        rows_total INTEGER NOT NULL DEFAULT 0,
        page_rows INTEGER NOT NULL,
        created_at_ms INTEGER NOT NULL,
        finished_at_ms INTEGER,
        expires_at_ms INTEGER NOT NULL,
        error TEXT
      );
      CREATE INDEX tenant_exports_running ON tenant_exports (created_at_ms) WHERE status = 'running';
      -- Each finished file of an export; sha256 is set when the export is sealed.
      CREATE TABLE export_files (
        export_id TEXT NOT NULL,
        file_index INTEGER NOT NULL,
        path TEXT NOT NULL,
        source TEXT NOT NULL,
        table_name TEXT NOT NULL,
        rows INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        parts INTEGER NOT NULL,
        sha256 TEXT,
        PRIMARY KEY (export_id, file_index)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 25,
    name: "webhook-outbox",
    sql: `
      -- Outgoing webhooks (objects/webhooks/webhook-outbox.ts, docs/webhooks.md): each
      -- event is written here in the same step as the change it reports, and leaves
      -- for the tenant's shard and the delivery queue on the alarm (timer
      -- "webhook-events"); body is the exact JSON delivered.
      CREATE TABLE webhook_outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        post_id TEXT,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      -- Each post's event sequence (1, 2, 3 … in the order its changes happened), so a
      -- receiver can order a post's events whatever order they arrive in.
      CREATE TABLE webhook_post_sequences (
        post_id TEXT PRIMARY KEY NOT NULL,
        sequence INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 26,
    name: "post-watches",
    sql: `
      -- Posts whose outcome was not learned, reconciled with their platform
      -- (objects/publishing/reconcile.ts): when the send began (sent_at_ms, on the object's
      -- clock), the checks made and when the next is due (NULL once settled), and whether
      -- the post was sent a second time (resent: set before that call, so a reset during
      -- it never leads to a third). Kept once settled, so a later unknown of the same
      -- attempt (its processed media's publish) knows it was sent again; pruned after a week.
      CREATE TABLE reconciliations (
        attempt_id TEXT PRIMARY KEY NOT NULL,
        account_id TEXT NOT NULL,
        platform TEXT NOT NULL,
        sent_at_ms INTEGER NOT NULL,
        tries INTEGER NOT NULL DEFAULT 0,
        next_at_ms INTEGER,
        resent INTEGER NOT NULL DEFAULT 0 CHECK (resent IN (0, 1)),
        updated_at_ms INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX reconciliations_due ON reconciliations (next_at_ms) WHERE next_at_ms IS NOT NULL;
      -- The pre-flight checks of scheduled posts (objects/publishing/preflight.ts): when
      -- the check 15 minutes ahead ran, and the risk the latest check found (NULL: none)
      -- with when it was first found. A row leaves with its post's place in the schedule.
      CREATE TABLE preflight_checks (
        request_id TEXT PRIMARY KEY NOT NULL,
        ahead_at_ms INTEGER,
        checked_at_ms INTEGER NOT NULL,
        risk_code TEXT,
        risk_reason TEXT,
        detected_at_ms INTEGER
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 27,
    name: "post-approvals",
    sql: `
      -- Posts that wait for an approver (objects/publishing/approvals.ts, docs/approvals.md),
      -- beside their D1 row in status pending_approval: the publish input as drafted or
      -- last edited (before its configuration is applied: the approval applies it), who
      -- drafted it (JSON: member, key, agent), and where its approval stands. pending:
      -- waiting; approving: an approval is going the normal way (admission, the schedule
      -- or the platform), so a second one is refused; approved: it went, and D1 still has
      -- to learn who approved it (decision, JSON, with the ids its audit row and revision
      -- keep for a repeated write). A row leaves once D1 has the decision.
      CREATE TABLE pending_approvals (
        request_id TEXT PRIMARY KEY NOT NULL,
        input TEXT NOT NULL,
        drafter TEXT NOT NULL,
        reason TEXT NOT NULL CHECK (reason IN ('agent', 'key', 'editor')),
        state TEXT NOT NULL CHECK (state IN ('pending', 'approving', 'approved')),
        decision TEXT,
        created_at_ms INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX pending_approvals_deciding ON pending_approvals (state) WHERE state <> 'pending';
    `,
  },
  {
    version: 29,
    name: "oauth-grants",
    sql: `
      -- What members granted OAuth clients (objects/identity/oauth-grants.ts, docs/mcp.md,
      -- OAuth): one row per member and client, its scopes and the resource its tokens are
      -- bound to (this site's /mcp), and the digests (hex SHA-256) of its one live access
      -- token and refresh token, never the tokens. previous_refresh_hash is the refresh
      -- token the last refresh replaced: presented again, it revokes the grant (a stolen
      -- token in use). Revoking deletes the row: the next request with its token is refused.
      CREATE TABLE oauth_grants (
        grant_id TEXT PRIMARY KEY NOT NULL,
        user_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        client_name TEXT NOT NULL,
        scopes TEXT NOT NULL,
        resource TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL,
        last_used_at_ms INTEGER,
        access_hash TEXT,
        access_expires_at_ms INTEGER,
        refresh_hash TEXT,
        previous_refresh_hash TEXT,
        refresh_expires_at_ms INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX oauth_grants_user ON oauth_grants (user_id, client_id);
      CREATE UNIQUE INDEX oauth_grants_access ON oauth_grants (access_hash) WHERE access_hash IS NOT NULL;
      CREATE UNIQUE INDEX oauth_grants_refresh ON oauth_grants (refresh_hash) WHERE refresh_hash IS NOT NULL;
      CREATE INDEX oauth_grants_previous ON oauth_grants (previous_refresh_hash)
        WHERE previous_refresh_hash IS NOT NULL;
      -- Authorization codes a member's consent issued, by digest: single-use, five minutes,
      -- bound to the client, its redirect URI, the PKCE challenge (S256) and the resource.
      CREATE TABLE oauth_codes (
        code_hash TEXT PRIMARY KEY NOT NULL,
        user_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        client_name TEXT NOT NULL,
        redirect_uri TEXT NOT NULL,
        code_challenge TEXT NOT NULL,
        scopes TEXT NOT NULL,
        resource TEXT NOT NULL,
        expires_at_ms INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];
