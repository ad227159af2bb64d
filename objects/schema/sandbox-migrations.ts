// The sandbox platform's own SQLite schema (one SandboxPlatform object per platform).
import type { ObjectMigration } from "./migrate";

export const SANDBOX_MIGRATIONS: readonly ObjectMigration[] = [
  {
    version: 1,
    name: "sandbox",
    sql: `
      CREATE TABLE users (
        user_id TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL,
        handle TEXT NOT NULL,
        followers INTEGER NOT NULL,
        token_ttl_seconds INTEGER,
        created_at_ms INTEGER NOT NULL
      );
      CREATE TABLE codes (
        code TEXT PRIMARY KEY NOT NULL,
        user_id TEXT NOT NULL,
        redirect_uri TEXT NOT NULL,
        code_challenge TEXT,
        expires_at_ms INTEGER NOT NULL,
        used INTEGER NOT NULL DEFAULT 0
      );
      -- kind: access | refresh | user (Facebook's long-lived user token) | short
      CREATE TABLE tokens (
        token TEXT PRIMARY KEY NOT NULL,
        kind TEXT NOT NULL,
        user_id TEXT NOT NULL,
        expires_at_ms INTEGER,
        revoked INTEGER NOT NULL DEFAULT 0,
        created_at_ms INTEGER NOT NULL
      );
      CREATE INDEX tokens_user ON tokens (user_id, kind);
      CREATE TABLE posts (
        post_id TEXT PRIMARY KEY NOT NULL,
        user_id TEXT NOT NULL,
        text TEXT NOT NULL,
        image_url TEXT,
        video_url TEXT,
        created_at_ms INTEGER NOT NULL
      );
      CREATE INDEX posts_user ON posts (user_id, created_at_ms);
      CREATE TABLE media (
        media_id TEXT PRIMARY KEY NOT NULL,
        user_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        url TEXT,
        caption TEXT,
        status TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL
      );
      -- How many times each endpoint was called, per user ('' when no user is known).
      CREATE TABLE calls (
        endpoint TEXT NOT NULL,
        user_id TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (endpoint, user_id)
      );
      -- Fault switches: the next 'remaining' calls to 'endpoint' ('*' for any) of
      -- 'user_id' (NULL for anyone) misbehave as 'kind' says.
      CREATE TABLE faults (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        endpoint TEXT NOT NULL,
        user_id TEXT,
        kind TEXT NOT NULL,
        remaining INTEGER NOT NULL,
        params TEXT NOT NULL DEFAULT '{}'
      );
    `,
  },
  {
    version: 2,
    name: "fidelity",
    sql: `
      -- The scopes a user granted at the authorize page travel with the code and every
      -- token issued from it: endpoints refuse tokens without the scope they need, as
      -- the platforms do (403 on LinkedIn, Graph code 200/10 on Meta).
      ALTER TABLE codes ADD COLUMN scopes TEXT NOT NULL DEFAULT '';
      ALTER TABLE tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT '';
      -- The post a media object belongs to (a Facebook video's Page post).
      ALTER TABLE media ADD COLUMN post_id TEXT;
      -- Settings of the sandbox itself, such as its media-processing clock offset.
      CREATE TABLE settings (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
    `,
  },
  {
    version: 3,
    name: "sign-in",
    sql: `
      -- A sandbox user is signed in to with its password on the authorize page
      -- (src/core/sandbox/consent-page.ts): NULL until its first sign-in sets it.
      ALTER TABLE users ADD COLUMN password_hash TEXT;
    `,
  },
  {
    version: 4,
    name: "duplicate-lookup",
    sql: `
      -- LinkedIn's duplicate refusal looks a member's text up among their posts of the
      -- last day (src/core/sandbox/recent-posts.ts, linkedinDuplicate): by this index it
      -- reads the few posts with that text, not every post of the member.
      CREATE INDEX posts_user_text ON posts (user_id, text, created_at_ms);
    `,
  },
];
