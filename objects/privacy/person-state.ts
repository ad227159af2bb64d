// A person's part of the TenantObject's state (docs/privacy.md, "A person's rights"):
// their live sessions for their export, and what of them the object keeps besides,
// forgotten at their erasure. Ending their sessions, voiding their live tickets and
// closing their sockets is the object's usual end of access (forgetCredentials).
import type { PersonSession } from "../tenant-object/contract";

/** The person's live sessions: when each started and ends (not its id: a session token carries it). */
export function personSessions(sql: SqlStorage, userId: string, nowMs: number): PersonSession[] {
  return sql
    .exec<{ started_at_ms: number; expires_at_ms: number }>(
      "SELECT started_at_ms, expires_at_ms FROM sessions WHERE user_id = ? AND expires_at_ms > ? ORDER BY started_at_ms",
      userId,
      nowMs,
    )
    .toArray()
    .map((row) => ({ startedAtMs: row.started_at_ms, expiresAtMs: row.expires_at_ms }));
}

/**
 * Forgets what the object keeps of the person beyond their sessions: their reset link
 * and second-factor step, and the sign-in throttle's rows that name their e-mail
 * (objects/identity/login-throttle.ts keys an account by the e-mail signed in with).
 */
export function forgetPerson(sql: SqlStorage, userId: string, email: string): void {
  const address = email.trim().toLowerCase();
  sql.exec("DELETE FROM password_resets WHERE user_id = ?", userId);
  sql.exec("DELETE FROM totp_steps WHERE user_id = ?", userId);
  // As typed at sign-in, in any case: both tables hold at most a day of rows.
  sql.exec("DELETE FROM login_attempts WHERE lower(subject) = ?", `account:${address}`);
  sql.exec("DELETE FROM login_failures WHERE lower(account) = ?", address);
}
