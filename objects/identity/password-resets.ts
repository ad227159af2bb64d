// Password reset links, kept by the tenant's object: only the SHA-256 of each token
// (the router makes the token and shows it once: src/core/auth/reset-token.ts), one live
// link per user (a new one replaces it), an hour each, and spent by its first
// redemption. Spending is one synchronous DELETE … RETURNING, so of two concurrent
// redemptions exactly one gets the user.
import type { Clock } from "../../src/core/clock";

/** How long a reset link is good for. */
export const PASSWORD_RESET_TTL_MS = 60 * 60 * 1000;

export class PasswordResets {
  constructor(
    private readonly sql: SqlStorage,
    private readonly clock: Clock,
  ) {}

  /** Keeps `digest` as `userId`'s one live reset link; when it expires. */
  issue(userId: string, digest: string): { expiresAtMs: number } {
    const nowMs = this.clock();
    this.sql.exec("DELETE FROM password_resets WHERE expires_at_ms <= ? OR user_id = ?", nowMs, userId);
    const expiresAtMs = nowMs + PASSWORD_RESET_TTL_MS;
    this.sql.exec(
      "INSERT INTO password_resets (token_digest, user_id, expires_at_ms) VALUES (?, ?, ?)",
      digest,
      userId,
      expiresAtMs,
    );
    return { expiresAtMs };
  }

  /** Spends the link: its user, once, while it is live; null for anything else. */
  redeem(digest: string): string | null {
    const row = this.sql
      .exec<{ user_id: string; expires_at_ms: number }>(
        "DELETE FROM password_resets WHERE token_digest = ? RETURNING user_id, expires_at_ms",
        digest,
      )
      .toArray()[0];
    return row && row.expires_at_ms > this.clock() ? row.user_id : null;
  }
}
