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
];
