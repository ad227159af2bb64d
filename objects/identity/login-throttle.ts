// Throttles password guessing per e-mail address and per client address within a
// tenant (the attempt throttle of attempt-throttle.ts, with sign-in's subjects).

import type { AttemptGate } from "../tenant-object/contract";
import { reserveAttempt, settleAttempt, THROTTLE_WINDOW_MS } from "./attempt-throttle";

export const LOGIN_WINDOW_MS = THROTTLE_WINDOW_MS;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_IP = 20;

export function beginLoginAttempt(sql: SqlStorage, email: string, ip: string, nowMs: number): AttemptGate {
  return reserveAttempt(
    sql,
    [
      { subject: `email:${email}`, maxFailures: MAX_FAILURES_PER_EMAIL },
      { subject: `ip:${ip}`, maxFailures: MAX_FAILURES_PER_IP },
    ],
    nowMs,
  );
}

/** A successful sign-in forgets the e-mail's failures; a failed one keeps its slot. */
export function finishLoginAttempt(sql: SqlStorage, attemptId: number, email: string, success: boolean): void {
  settleAttempt(sql, attemptId, success, [`email:${email}`]);
}
