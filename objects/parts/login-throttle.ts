// Throttles password guessing per e-mail address and per client address within a
// tenant. An attempt reserves a slot before the password is checked (the check
// awaits), and gives it back only on success, so a burst of concurrent guesses
// cannot exceed the limit either.

export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_IP = 20;

export type LoginGate = { allowed: true; attemptId: number } | { allowed: false; retryAfterSeconds: number };

function retryAfter(sql: SqlStorage, subject: string, limit: number, nowMs: number): number | null {
  const rows = sql
    .exec<{ at_ms: number }>(
      "SELECT at_ms FROM login_attempts WHERE subject = ? AND at_ms > ? ORDER BY at_ms DESC LIMIT ?",
      subject,
      nowMs - LOGIN_WINDOW_MS,
      limit,
    )
    .toArray();
  if (rows.length < limit) return null;
  // The limit-th most recent attempt must leave the window first.
  const releaseAt = (rows[limit - 1] as { at_ms: number }).at_ms + LOGIN_WINDOW_MS;
  return Math.max(1, Math.ceil((releaseAt - nowMs) / 1000));
}

export function beginLoginAttempt(sql: SqlStorage, email: string, ip: string, nowMs: number): LoginGate {
  sql.exec("DELETE FROM login_attempts WHERE at_ms <= ?", nowMs - LOGIN_WINDOW_MS);
  const emailSubject = `email:${email}`;
  const ipSubject = `ip:${ip}`;
  const wait = Math.max(
    retryAfter(sql, emailSubject, MAX_FAILURES_PER_EMAIL, nowMs) ?? 0,
    retryAfter(sql, ipSubject, MAX_FAILURES_PER_IP, nowMs) ?? 0,
  );
  if (wait > 0) return { allowed: false, retryAfterSeconds: wait };
  const attemptId = sql
    .exec<{ id: number }>("INSERT INTO login_attempts (subject, at_ms) VALUES (?, ?) RETURNING id", emailSubject, nowMs)
    .one().id;
  sql.exec("INSERT INTO login_attempts (subject, at_ms, parent_id) VALUES (?, ?, ?)", ipSubject, nowMs, attemptId);
  return { allowed: true, attemptId };
}

/** A successful sign-in forgets the e-mail's failures; a failed one keeps its slot. */
export function finishLoginAttempt(sql: SqlStorage, attemptId: number, email: string, success: boolean): void {
  if (!success) return;
  sql.exec("DELETE FROM login_attempts WHERE id = ? OR parent_id = ?", attemptId, attemptId);
  sql.exec("DELETE FROM login_attempts WHERE subject = ?", `email:${email}`);
}
