// Throttles password guessing within a tenant without handing a guesser a way to lock
// the owner out (docs/identity.md, "Guessing passwords"). Three counts, each kept here:
//
// - per (account, client address), in login_failures: the first FREE_FAILURES failures
//   cost nothing; from then on each attempt waits 2, 4, 8, … seconds after the last
//   failure, doubling up to 15 minutes. Forgotten a day after the pair's last failure,
//   or at the first success from that address. This is the delay a typist sees.
// - per account, from every address (login_attempts, subject "account:…", a sliding
//   15 minutes): at ACCOUNT_CEILING failures the account is under attack, and every
//   address that has itself failed at it waits at least a minute after its last
//   failure, doubling per failure up to 15 minutes (so an address new to the account
//   is delayed from its first failure on). An address that has not failed at the
//   account is never delayed by the ceiling: the owner on a clean address signs in
//   while the account is sprayed, and a sprayer gets one guess per fresh address.
// - per client address, across accounts (subject "ip:…"): MAX_FAILURES_PER_IP
//   failures in 15 minutes, then 429 until the oldest leaves the window.
//
// An attempt is reserved before its password is checked (the check awaits), counted
// as a failure meanwhile, and given back when it proves right, so a burst of
// concurrent guesses is held to the same numbers as a sequence of them.
import type { AttemptGate } from "../tenant-object/contract";
import {
  attemptsWithin,
  reserveAttempt,
  settleAttempt,
  subjectsWait,
  THROTTLE_WINDOW_MS,
  type ThrottledSubject,
} from "./attempt-throttle";

export const LOGIN_WINDOW_MS = THROTTLE_WINDOW_MS;
/** Failures of one address at one account before its attempts wait. */
export const FREE_FAILURES = 3;
/** Failures of one account from every address within 15 minutes that put it under attack. */
export const ACCOUNT_CEILING = 10;
/** Failures of one address across accounts within 15 minutes before it is refused. */
export const MAX_FAILURES_PER_IP = 20;
/** The longest wait either schedule imposes. */
export const MAX_DELAY_MS = 15 * 60 * 1000;
/** How long an (account, address) pair's failures are remembered after its last one. */
export const PAIR_MEMORY_MS = 24 * 60 * 60 * 1000;

/** The wait after `failures` failures of one address at one account: 0, 0, 0, 2 s, 4 s, … 15 min. */
export function pairDelayMs(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(1000 * 2 ** (failures - FREE_FAILURES + 1), MAX_DELAY_MS);
}

/** The wait of an address with `failures` failures at an account under attack: 1, 2, 4, 8, 15 min. */
export function ceilingDelayMs(failures: number): number {
  if (failures < 1) return 0;
  return Math.min(60_000 * 2 ** (failures - 1), MAX_DELAY_MS);
}

const accountSubject = (account: string) => `account:${account}`;

function subjectsOf(account: string, address: string): ThrottledSubject[] {
  return [
    { subject: `ip:${address}`, maxFailures: MAX_FAILURES_PER_IP },
    { subject: accountSubject(account), maxFailures: null },
  ];
}

/** Reserves a sign-in attempt at `account` (an e-mail) from `address`, or says how long to wait. */
export function beginLoginAttempt(sql: SqlStorage, account: string, address: string, nowMs: number): AttemptGate {
  sql.exec("DELETE FROM login_failures WHERE last_at_ms <= ?", nowMs - PAIR_MEMORY_MS);
  const pair = sql
    .exec<{ failures: number; last_at_ms: number }>(
      "SELECT failures, last_at_ms FROM login_failures WHERE account = ? AND address = ?",
      account,
      address,
    )
    .toArray()[0];
  const failures = pair?.failures ?? 0;
  const underAttack = attemptsWithin(sql, accountSubject(account), nowMs, ACCOUNT_CEILING) >= ACCOUNT_CEILING;
  const delayMs = Math.max(pairDelayMs(failures), underAttack ? ceilingDelayMs(failures) : 0);
  const pairWaitMs = pair ? pair.last_at_ms + delayMs - nowMs : 0;
  const subjects = subjectsOf(account, address);
  const wait = Math.max(subjectsWait(sql, subjects, nowMs), Math.ceil(pairWaitMs / 1000));
  if (wait > 0) return { allowed: false, retryAfterSeconds: wait };

  const gate = reserveAttempt(sql, subjects, nowMs);
  if (gate.allowed) {
    sql.exec(
      `INSERT INTO login_failures (account, address, failures, last_at_ms) VALUES (?, ?, 1, ?)
       ON CONFLICT (account, address) DO UPDATE SET failures = failures + 1, last_at_ms = excluded.last_at_ms`,
      account,
      address,
      nowMs,
    );
  }
  return gate;
}

/**
 * Settles a reserved attempt. A failure keeps what it reserved. A proven password
 * gives the attempt back and forgets the pair's failures (that address knows the
 * password); the account's count of failures from other addresses stays.
 */
export function finishLoginAttempt(
  sql: SqlStorage,
  attemptId: number,
  account: string,
  address: string,
  proven: boolean,
): void {
  if (!proven) return;
  settleAttempt(sql, attemptId, true, []);
  sql.exec("DELETE FROM login_failures WHERE account = ? AND address = ?", account, address);
}
