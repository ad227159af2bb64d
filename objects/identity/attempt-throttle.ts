import type { AttemptGate } from "../tenant-object/contract";
// Throttles guessing: failed attempts are counted per subject ("email:…", "ip:…",
// "totp:<user>") within a sliding 15 minutes, and a subject with too many failures
// is refused until the oldest of them leaves the window, whatever the guess (a right
// answer during a lockout is refused too, or the lock would only slow a guesser).
//
// An attempt reserves a slot under each of its subjects before the guess is checked
// (the check may await), and gives them back only on success, so a burst of
// concurrent guesses cannot exceed the limit either. Rows live in login_attempts
// (the first subject's row is the attempt; the others point at it by parent_id).

export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;

export interface ThrottledSubject {
  subject: string;
  /** null: counted, never refused by itself (sign-in's account ceiling reads the count: login-throttle.ts). */
  maxFailures: number | null;
}

/** Seconds until `subject` may try again; null when it has fewer than `limit` attempts in the window. */
function retryAfter(sql: SqlStorage, subject: string, limit: number, nowMs: number): number | null {
  const rows = sql
    .exec<{ at_ms: number }>(
      "SELECT at_ms FROM login_attempts WHERE subject = ? AND at_ms > ? ORDER BY at_ms DESC LIMIT ?",
      subject,
      nowMs - THROTTLE_WINDOW_MS,
      limit,
    )
    .toArray();
  if (rows.length < limit) return null;
  // The limit-th most recent attempt must leave the window first.
  const releaseAt = (rows[limit - 1] as { at_ms: number }).at_ms + THROTTLE_WINDOW_MS;
  return Math.max(1, Math.ceil((releaseAt - nowMs) / 1000));
}

/** Seconds until every subject may try again (the longest of their waits); 0 when they may now. */
export function subjectsWait(sql: SqlStorage, subjects: readonly ThrottledSubject[], nowMs: number): number {
  sql.exec("DELETE FROM login_attempts WHERE at_ms <= ?", nowMs - THROTTLE_WINDOW_MS);
  return Math.max(
    0,
    ...subjects.map((s) => (s.maxFailures === null ? 0 : (retryAfter(sql, s.subject, s.maxFailures, nowMs) ?? 0))),
  );
}

/** Attempts counted under `subject` within the window, up to `atMost`. */
export function attemptsWithin(sql: SqlStorage, subject: string, nowMs: number, atMost: number): number {
  return sql
    .exec<{ n: number }>(
      "SELECT COUNT(*) AS n FROM (SELECT 1 FROM login_attempts WHERE subject = ? AND at_ms > ? LIMIT ?)",
      subject,
      nowMs - THROTTLE_WINDOW_MS,
      atMost,
    )
    .one().n;
}

/** Reserves one attempt under every subject, or says how long to wait (the longest of their waits). */
export function reserveAttempt(sql: SqlStorage, subjects: readonly ThrottledSubject[], nowMs: number): AttemptGate {
  const wait = subjectsWait(sql, subjects, nowMs);
  if (wait > 0) return { allowed: false, retryAfterSeconds: wait };
  const [first, ...others] = subjects;
  if (!first) throw new Error("reserveAttempt needs at least one subject");
  const attemptId = sql
    .exec<{ id: number }>(
      "INSERT INTO login_attempts (subject, at_ms) VALUES (?, ?) RETURNING id",
      first.subject,
      nowMs,
    )
    .one().id;
  for (const other of others) {
    sql.exec(
      "INSERT INTO login_attempts (subject, at_ms, parent_id) VALUES (?, ?, ?)",
      other.subject,
      nowMs,
      attemptId,
    );
  }
  return { allowed: true, attemptId };
}

/**
 * Settles a reserved attempt. A failure keeps its slots; a success gives them back and
 * forgets every earlier failure of `forget` (the guessed secret is proven known).
 */
export function settleAttempt(sql: SqlStorage, attemptId: number, success: boolean, forget: readonly string[]): void {
  if (!success) return;
  sql.exec("DELETE FROM login_attempts WHERE id = ? OR parent_id = ?", attemptId, attemptId);
  for (const subject of forget) sql.exec("DELETE FROM login_attempts WHERE subject = ?", subject);
}
