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
];
