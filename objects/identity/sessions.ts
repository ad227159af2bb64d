// The tenant's live sessions. A session token (src/core/auth/session-token.ts) names its
// session by id (the JWT's jti); the token is good only while that session is live
// here, checked by this object on every request (tenant-identity.ts). So ending a
// session is one row deleted, and the next request with its token answers 401,
// wherever it arrives: every request of the tenant passes through this object.
//
// Bounded: a row leaves when the session's 12 hours are over (swept at each sign-in),
// and a user keeps at most MAX_SESSIONS_PER_USER live sessions (the oldest ends).

import { SESSION_TTL_SECONDS } from "../../src/core/auth/session-token";
import type { Clock } from "../../src/core/clock";
import type { SessionEnding, SessionGrant } from "../tenant-object/contract";

export const SESSION_TTL_MS = SESSION_TTL_SECONDS * 1000;
/** Live sessions per user; a sign-in beyond it ends that user's oldest session. */
export const MAX_SESSIONS_PER_USER = 50;

export class SessionStore {
  constructor(
    private readonly sql: SqlStorage,
    private readonly clock: Clock,
  ) {}

  /**
   * Starts a session of `userId` (a successful sign-in); `ended`: the sessions that
   * ended with it (any user's whose 12 hours were over, and this user's oldest beyond
   * the limit), whose live sockets close too.
   */
  start(userId: string): { grant: SessionGrant; ended: string[] } {
    const nowMs = this.clock();
    const expired = this.sql
      .exec<{ session_id: string }>("DELETE FROM sessions WHERE expires_at_ms <= ? RETURNING session_id", nowMs)
      .toArray();
    const sessionId = crypto.randomUUID();
    const expiresAtMs = nowMs + SESSION_TTL_MS;
    this.sql.exec(
      "INSERT INTO sessions (session_id, user_id, started_at_ms, expires_at_ms) VALUES (?, ?, ?, ?)",
      sessionId,
      userId,
      nowMs,
      expiresAtMs,
    );
    // The newest MAX_SESSIONS_PER_USER stay.
    const evicted = this.sql
      .exec<{ session_id: string }>(
        `DELETE FROM sessions WHERE user_id = ?1 AND session_id NOT IN (
           SELECT session_id FROM sessions WHERE user_id = ?1 ORDER BY started_at_ms DESC, session_id LIMIT ?2)
         RETURNING session_id`,
        userId,
        MAX_SESSIONS_PER_USER,
      )
      .toArray();
    return { grant: { sessionId, expiresAtMs }, ended: [...expired, ...evicted].map((row) => row.session_id) };
  }

  /** Whether `sessionId` is a live session of `userId`. */
  isLive(sessionId: string, userId: string): boolean {
    const row = this.sql
      .exec<{ user_id: string }>(
        "SELECT user_id FROM sessions WHERE session_id = ? AND expires_at_ms > ?",
        sessionId,
        this.clock(),
      )
      .toArray()[0];
    return row?.user_id === userId;
  }

  /**
   * Ends sessions of `ending.userId`: the one named `only` (signing out), or every
   * one but `keep` (the session that changed the password or MFA), or all. Which ended.
   */
  end(ending: SessionEnding): string[] {
    const rows =
      ending.only !== undefined
        ? this.sql.exec<{ session_id: string }>(
            "DELETE FROM sessions WHERE session_id = ? AND user_id = ? RETURNING session_id",
            ending.only,
            ending.userId,
          )
        : this.sql.exec<{ session_id: string }>(
            "DELETE FROM sessions WHERE user_id = ? AND session_id <> ? RETURNING session_id",
            ending.userId,
            ending.keep ?? "",
          );
    return rows.toArray().map((row) => row.session_id);
  }

  /** Ends every session of the tenant (it was suspended or deleted). */
  endAll(): number {
    return this.sql.exec("DELETE FROM sessions RETURNING session_id").toArray().length;
  }
}
