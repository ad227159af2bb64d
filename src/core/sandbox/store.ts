// The sandbox platform's state: users, authorization codes, tokens, posts, media,
// call counters and fault switches, in the SandboxPlatform object's SQLite.

import { advanceClock, sandboxNow } from "./clock";

export const ENDPOINTS = [
  "authorize",
  "token",
  "refresh",
  "profile",
  "pages",
  "publish",
  "media",
  "quota",
  "insights",
  "revoke",
  /** An account's recent posts (recent-posts.ts), read by a reconciliation. */
  "lookup",
] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

export const FAULT_KINDS = [
  /** Answer 500 with the platform's error shape. */
  "error_500",
  /** Answer 429 with the platform's reset headers. */
  "rate_limit_429",
  /** Do the work, then answer only after params.ms (default 15 s): past any sane timeout. */
  "hang",
  /** Do the work (a post is created), then answer 500 as if it had failed. */
  "error_500_after",
  /** The token endpoint answers invalid_grant and the refresh token dies. */
  "invalid_grant",
  /** The access token presented is (now) expired: 401. */
  "expired_token",
  /** The next refresh rotates the refresh token even where the platform usually keeps it. */
  "rotate_refresh",
  /** The next refresh returns no refresh token (the old one stays valid). */
  "omit_refresh_token",
  /**
   * The next processing media created fails its processing: an Instagram container
   * (status_code ERROR), an X upload (processing_info failed), a LinkedIn video
   * (PROCESSING_FAILED).
   */
  "container_error",
  /**
   * The next Instagram image container is not ready at once: IN_PROGRESS for a while on
   * the sandbox clock (src/core/sandbox/instagram.ts, INSTAGRAM_IMAGE_PROCESSING_MS).
   */
  "slow_container",
  /**
   * Facebook and Instagram answer Graph's error object as params say: code, subcode,
   * is_transient, status (400 unless given), message (src/core/sandbox/graph-api.ts).
   */
  "graph_error",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  id: number;
  endpoint: string;
  userId: string | null;
  kind: FaultKind;
  remaining: number;
  params: Record<string, unknown>;
}

type TokenRow = { user_id: string; kind: string; expires_at_ms: number | null; revoked: number; scopes: string };

export type MediaRow = {
  media_id: string;
  user_id: string;
  kind: string;
  url: string | null;
  caption: string | null;
  status: string;
  created_at_ms: number;
  post_id: string | null;
};

export type SandboxUser = {
  user_id: string;
  name: string;
  handle: string;
  followers: number;
  token_ttl_seconds: number | null;
};

function random(prefix: string, bytes = 12): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return `${prefix}${Array.from(raw, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export class SandboxStore {
  private lastToken: { token: string; row: TokenRow | null } | null = null;
  /** Whether any fault switch may be on (null: unknown); most calls find none, cheaply. */
  private faultsPossible: boolean | null = null;

  constructor(private readonly sql: SqlStorage) {}

  /** Now on the media-processing clock (src/core/sandbox/clock.ts). */
  processingNow(): number {
    return sandboxNow(this.sql);
  }

  advanceClock(ms: number): number {
    return Number(advanceClock(this.sql, ms));
  }

  newId(prefix: string): string {
    return random(prefix, 8);
  }

  count(endpoint: Endpoint, userId: string | null): void {
    this.sql.exec(
      `INSERT INTO calls (endpoint, user_id, count) VALUES (?, ?, 1)
       ON CONFLICT(endpoint, user_id) DO UPDATE SET count = count + 1`,
      endpoint,
      userId ?? "",
    );
  }

  counters(userId?: string): Record<string, number> {
    const rows = this.sql
      .exec<{ endpoint: string; count: number }>(
        userId === undefined
          ? "SELECT endpoint, SUM(count) AS count FROM calls GROUP BY endpoint"
          : "SELECT endpoint, count FROM calls WHERE user_id = ?",
        ...(userId === undefined ? [] : [userId]),
      )
      .toArray();
    return Object.fromEntries(rows.map((r) => [r.endpoint, r.count]));
  }

  addFault(fault: Omit<Fault, "id">): number {
    this.faultsPossible = true;
    return this.sql
      .exec<{ id: number }>(
        "INSERT INTO faults (endpoint, user_id, kind, remaining, params) VALUES (?, ?, ?, ?, ?) RETURNING id",
        fault.endpoint,
        fault.userId,
        fault.kind,
        fault.remaining,
        JSON.stringify(fault.params),
      )
      .one().id;
  }

  /** Takes one use of the first fault that applies to this call, if any. */
  takeFault(endpoint: Endpoint, userId: string | null, kinds?: readonly FaultKind[]): Fault | null {
    this.faultsPossible ??=
      this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM faults WHERE remaining > 0").one().n > 0;
    if (!this.faultsPossible) return null;
    const rows = this.sql
      .exec<{
        id: number;
        endpoint: string;
        user_id: string | null;
        kind: FaultKind;
        remaining: number;
        params: string;
      }>(
        `SELECT * FROM faults WHERE remaining > 0 AND (endpoint = ? OR endpoint = '*')
           AND (user_id IS NULL OR user_id = ?) ORDER BY id`,
        endpoint,
        userId ?? "",
      )
      .toArray()
      .filter((row) => !kinds || kinds.includes(row.kind));
    const row = rows[0];
    if (!row) return null;
    this.sql.exec("UPDATE faults SET remaining = remaining - 1 WHERE id = ?", row.id);
    if (row.remaining === 1) this.faultsPossible = null;
    return {
      id: row.id,
      endpoint: row.endpoint,
      userId: row.user_id,
      kind: row.kind,
      remaining: row.remaining - 1,
      params: JSON.parse(row.params) as Record<string, unknown>,
    };
  }

  clearFaults(): void {
    this.sql.exec("DELETE FROM faults");
    this.faultsPossible = false;
  }

  createUser(options: { userId?: string; name?: string; tokenTtlSeconds?: number | null }): SandboxUser {
    const userId = options.userId ?? random("", 6);
    const existing = this.user(userId);
    if (existing) return existing;
    const name = options.name ?? `Sandbox User ${userId.slice(0, 4)}`;
    this.sql.exec(
      "INSERT INTO users (user_id, name, handle, followers, token_ttl_seconds, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)",
      userId,
      name,
      `sandbox_${userId.slice(0, 8)}`,
      1000 + Math.floor(Math.random() * 9000),
      options.tokenTtlSeconds ?? null,
      Date.now(),
    );
    return this.user(userId) as SandboxUser;
  }

  /** The user's password hash (consent-page.ts); null when none is set or the user is unknown. */
  passwordHash(userId: string): string | null {
    return (
      this.sql
        .exec<{ password_hash: string | null }>("SELECT password_hash FROM users WHERE user_id = ?", userId)
        .toArray()[0]?.password_hash ?? null
    );
  }

  setPasswordHash(userId: string, hash: string): void {
    this.sql.exec("UPDATE users SET password_hash = ? WHERE user_id = ? AND password_hash IS NULL", hash, userId);
  }

  user(userId: string): SandboxUser | null {
    return this.sql.exec<SandboxUser>("SELECT * FROM users WHERE user_id = ?", userId).toArray()[0] ?? null;
  }

  /** How many Facebook Pages a user manages (1 unless set: src/core/sandbox/facebook.ts). */
  pageCount(userId: string): number {
    const row = this.sql
      .exec<{ value: string }>("SELECT value FROM settings WHERE key = ?", `pages:${userId}`)
      .toArray()[0];
    return row ? Number(row.value) : 1;
  }

  setPageCount(userId: string, pages: number): void {
    this.sql.exec(
      "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      `pages:${userId}`,
      String(Math.max(1, Math.floor(pages))),
    );
  }

  setTokenTtl(userId: string, seconds: number | null): void {
    this.sql.exec("UPDATE users SET token_ttl_seconds = ? WHERE user_id = ?", seconds, userId);
  }

  /** A code for the grant of `scopes` (space-separated, as the authorize page saw them). */
  issueCode(userId: string, redirectUri: string, codeChallenge: string | null, scopes = ""): string {
    const code = random("code_");
    this.sql.exec(
      "INSERT INTO codes (code, user_id, redirect_uri, code_challenge, expires_at_ms, scopes) VALUES (?, ?, ?, ?, ?, ?)",
      code,
      userId,
      redirectUri,
      codeChallenge,
      Date.now() + 10 * 60_000,
      scopes,
    );
    return code;
  }

  /** Redeems a code once; null when unknown, used, expired or for another redirect URI. */
  redeemCode(
    code: string,
    redirectUri: string,
  ): { userId: string; codeChallenge: string | null; scopes: string } | null {
    const row = this.sql
      .exec<{
        user_id: string;
        redirect_uri: string;
        code_challenge: string | null;
        expires_at_ms: number;
        scopes: string;
      }>(
        "UPDATE codes SET used = 1 WHERE code = ? AND used = 0 RETURNING user_id, redirect_uri, code_challenge, expires_at_ms, scopes",
        code,
      )
      .toArray()[0];
    if (!row || row.redirect_uri !== redirectUri || row.expires_at_ms < Date.now()) return null;
    return { userId: row.user_id, codeChallenge: row.code_challenge, scopes: row.scopes };
  }

  /** A token of `kind` carrying the grant's `scopes` (space-separated). */
  issueToken(
    kind: string,
    userId: string,
    ttlSeconds: number | null,
    scopes = "",
  ): { token: string; expiresIn: number | null } {
    const token = random(`sbx_${kind}_`, 16);
    this.sql.exec(
      "INSERT INTO tokens (token, kind, user_id, expires_at_ms, created_at_ms, scopes) VALUES (?, ?, ?, ?, ?, ?)",
      token,
      kind,
      userId,
      ttlSeconds === null ? null : sandboxNow(this.sql) + ttlSeconds * 1000,
      sandboxNow(this.sql),
      scopes,
    );
    return { token, expiresIn: ttlSeconds };
  }

  /** When a token stops working, on the sandbox clock (null: never, or unknown). */
  tokenExpiresAtMs(token: string): number | null {
    return this.tokenRow(token)?.expires_at_ms ?? null;
  }

  /**
   * The row of a token. The last one read is kept (a call looks its token up twice:
   * to count it for its user, then to check it); every token write forgets it.
   */
  private tokenRow(token: string): TokenRow | null {
    if (this.lastToken?.token === token) return this.lastToken.row;
    const row =
      this.sql
        .exec<TokenRow>("SELECT user_id, kind, expires_at_ms, revoked, scopes FROM tokens WHERE token = ?", token)
        .toArray()[0] ?? null;
    this.lastToken = { token, row };
    return row;
  }

  checkToken(
    token: string | null,
    kinds: string[],
  ): { userId: string } | { error: "missing" | "invalid" | "expired"; userId?: string } {
    if (!token) return { error: "missing" };
    const row = this.tokenRow(token);
    if (!row || !kinds.includes(row.kind) || row.revoked) return { error: "invalid", userId: row?.user_id };
    if (row.expires_at_ms !== null && row.expires_at_ms <= sandboxNow(this.sql)) {
      return { error: "expired", userId: row.user_id };
    }
    return { userId: row.user_id };
  }

  tokenUser(token: string): string | null {
    return this.tokenRow(token)?.user_id ?? null;
  }

  /** When a token was issued, on the sandbox clock (null: unknown token). */
  tokenIssuedAtMs(token: string): number | null {
    return (
      this.sql.exec<{ created_at_ms: number }>("SELECT created_at_ms FROM tokens WHERE token = ?", token).toArray()[0]
        ?.created_at_ms ?? null
    );
  }

  /** The scopes granted to a token (empty when unknown). */
  tokenScopes(token: string): string[] {
    return (this.tokenRow(token)?.scopes ?? "").split(/[ ,]+/).filter(Boolean);
  }

  revokeToken(token: string): void {
    this.lastToken = null;
    this.sql.exec("UPDATE tokens SET revoked = 1 WHERE token = ?", token);
  }

  /** Revokes every token of a user (an app's whole grant withdrawn: Graph's DELETE /me/permissions). */
  revokeUserTokens(userId: string): number {
    this.lastToken = null;
    return this.sql.exec("UPDATE tokens SET revoked = 1 WHERE user_id = ? AND revoked = 0", userId).rowsWritten;
  }

  /** How many of a user's tokens still work (neither revoked nor expired). */
  liveTokens(userId: string): number {
    return this.sql
      .exec<{ n: number }>(
        "SELECT COUNT(*) AS n FROM tokens WHERE user_id = ? AND revoked = 0 AND (expires_at_ms IS NULL OR expires_at_ms > ?)",
        userId,
        sandboxNow(this.sql),
      )
      .one().n;
  }

  expireToken(token: string): void {
    this.lastToken = null;
    this.sql.exec("UPDATE tokens SET expires_at_ms = ? WHERE token = ?", sandboxNow(this.sql) - 1, token);
  }

  /** Expires every access token of a user at once (the "token expired" switch). */
  expireAccessTokens(userId: string): number {
    this.lastToken = null;
    return this.sql.exec(
      "UPDATE tokens SET expires_at_ms = ? WHERE user_id = ? AND kind IN ('access', 'short') AND revoked = 0",
      sandboxNow(this.sql) - 1,
      userId,
    ).rowsWritten;
  }

  createPost(userId: string, post: { text: string; imageUrl: string | null; videoUrl: string | null }): string {
    const postId = random("", 8);
    this.sql.exec(
      "INSERT INTO posts (post_id, user_id, text, image_url, video_url, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)",
      postId,
      userId,
      post.text,
      post.imageUrl,
      post.videoUrl,
      Date.now(),
    );
    return postId;
  }

  posts(userId?: string): { post_id: string; user_id: string; text: string; created_at_ms: number }[] {
    return this.sql
      .exec<{ post_id: string; user_id: string; text: string; created_at_ms: number }>(
        userId === undefined
          ? "SELECT post_id, user_id, text, created_at_ms FROM posts ORDER BY created_at_ms"
          : "SELECT post_id, user_id, text, created_at_ms FROM posts WHERE user_id = ? ORDER BY created_at_ms",
        ...(userId === undefined ? [] : [userId]),
      )
      .toArray();
  }

  /** The user's latest post with exactly `text` made after `sinceMs`, or null (posts_user_text). */
  postWithText(userId: string, text: string, sinceMs: number): { post_id: string } | null {
    return (
      this.sql
        .exec<{ post_id: string }>(
          `SELECT post_id FROM posts WHERE user_id = ? AND text = ? AND created_at_ms > ?
           ORDER BY created_at_ms DESC LIMIT 1`,
          userId,
          text,
          sinceMs,
        )
        .toArray()[0] ?? null
    );
  }

  /** The user's posts, newest first, at most `limit`. */
  latestPosts(
    userId: string,
    limit: number,
  ): { post_id: string; user_id: string; text: string; created_at_ms: number }[] {
    return this.sql
      .exec<{ post_id: string; user_id: string; text: string; created_at_ms: number }>(
        "SELECT post_id, user_id, text, created_at_ms FROM posts WHERE user_id = ? ORDER BY created_at_ms DESC LIMIT ?",
        userId,
        limit,
      )
      .toArray();
  }

  /** How many posts were made since `sinceMs` (real time), by one user or by every user. */
  countPosts(sinceMs: number, userId?: string): number {
    return this.sql
      .exec<{ n: number }>(
        userId === undefined
          ? "SELECT COUNT(*) AS n FROM posts WHERE created_at_ms > ?"
          : "SELECT COUNT(*) AS n FROM posts WHERE created_at_ms > ? AND user_id = ?",
        sinceMs,
        ...(userId === undefined ? [] : [userId]),
      )
      .one().n;
  }

  post(postId: string): { post_id: string; user_id: string; text: string; created_at_ms: number } | null {
    return (
      this.sql
        .exec<{ post_id: string; user_id: string; text: string; created_at_ms: number }>(
          "SELECT post_id, user_id, text, created_at_ms FROM posts WHERE post_id = ?",
          postId,
        )
        .toArray()[0] ?? null
    );
  }

  createMedia(
    userId: string,
    kind: string,
    url: string | null,
    caption: string | null,
    status: string,
    postId: string | null = null,
  ): string {
    const mediaId = random("", 8);
    this.sql.exec(
      "INSERT INTO media (media_id, user_id, kind, url, caption, status, created_at_ms, post_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      mediaId,
      userId,
      kind,
      url,
      caption,
      status,
      // On the processing clock: a container processes from when it was made there.
      sandboxNow(this.sql),
      postId,
    );
    return mediaId;
  }

  media(mediaId: string): MediaRow | null {
    return (
      this.sql
        .exec<MediaRow>(
          "SELECT media_id, user_id, kind, url, caption, status, created_at_ms, post_id FROM media WHERE media_id = ?",
          mediaId,
        )
        .toArray()[0] ?? null
    );
  }

  setMediaStatus(mediaId: string, status: string): void {
    this.sql.exec("UPDATE media SET status = ? WHERE media_id = ?", status, mediaId);
  }

  /**
   * An upload in parts (X's chunked media upload, LinkedIn's Videos API): a media row
   * whose caption holds its plan (media-uploads.ts) and whose parts are rows of their
   * own, kind "part", named "<media id>.<index>" and pointing at it (post_id).
   */
  createUpload(userId: string, kind: string, plan: object): string {
    return this.createMedia(userId, kind, null, JSON.stringify(plan), "WAITING_UPLOAD");
  }

  /** Records one uploaded part (again: the later upload wins). `tag` is what the platform answered for it. */
  putPart(mediaId: string, index: number, userId: string, tag: string, bytes: number): void {
    this.sql.exec(
      `INSERT INTO media (media_id, user_id, kind, url, caption, status, created_at_ms, post_id)
       VALUES (?, ?, 'part', ?, ?, 'UPLOADED', ?, ?)
       ON CONFLICT(media_id) DO UPDATE SET url = excluded.url, caption = excluded.caption`,
      `${mediaId}.${index}`,
      userId,
      tag,
      String(bytes),
      sandboxNow(this.sql),
      mediaId,
    );
  }

  /** An upload's parts, by index: each one's tag and byte count. */
  parts(mediaId: string): Map<number, { tag: string; bytes: number }> {
    const rows = this.sql
      .exec<{ media_id: string; url: string; caption: string }>(
        "SELECT media_id, url, caption FROM media WHERE kind = 'part' AND post_id = ?",
        mediaId,
      )
      .toArray();
    return new Map(
      rows.map((row) => [Number(row.media_id.slice(mediaId.length + 1)), { tag: row.url, bytes: Number(row.caption) }]),
    );
  }

  /** An upload is complete: it processes from now on the sandbox clock (PROCESSING, or FAILING to fail). */
  startProcessing(mediaId: string, failing: boolean): void {
    this.sql.exec(
      "UPDATE media SET status = ?, created_at_ms = ? WHERE media_id = ?",
      failing ? "FAILING" : "PROCESSING",
      sandboxNow(this.sql),
      mediaId,
    );
  }

  reset(): void {
    this.faultsPossible = false;
    this.lastToken = null;
    for (const table of ["users", "codes", "tokens", "posts", "media", "calls", "faults", "settings"])
      this.sql.exec(`DELETE FROM ${table}`);
  }
}
