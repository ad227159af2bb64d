// Checking a TOTP code for a user, wherever it is entered (sign-in, confirming or
// turning off MFA): one throttle per user across all of them, and no replay.
//
// The router matches the code against the user's secret (it holds the tenant's key)
// and hands over the time step it matched, or null; this part decides, in one
// synchronous step of the object, whether the attempt is allowed at all, whether the
// step is still unused, and records the outcome. A locked-out user is refused even
// with the right code.

import type { TotpAttempt } from "../tenant-object/contract";
import { reserveAttempt, settleAttempt } from "./attempt-throttle";
import { claimTotpStep } from "./totp-replay";

/** Wrong codes per user within the throttle window (15 minutes) before a lockout. */
export const MAX_TOTP_FAILURES = 5;

const subjectOf = (userId: string) => `totp:${userId}`;

/** `step`: the time step the code matched (null: it matched none). */
export function attemptTotp(sql: SqlStorage, userId: string, step: number | null, nowMs: number): TotpAttempt {
  const subject = subjectOf(userId);
  const gate = reserveAttempt(sql, [{ subject, maxFailures: MAX_TOTP_FAILURES }], nowMs);
  if (!gate.allowed) return { ok: false, reason: "throttled", retryAfterSeconds: gate.retryAfterSeconds };
  // A replayed code counts as a wrong one.
  const ok = step !== null && claimTotpStep(sql, userId, step);
  settleAttempt(sql, gate.attemptId, ok, [subject]);
  return ok ? { ok: true } : { ok: false, reason: "wrong" };
}
