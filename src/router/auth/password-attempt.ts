// A password checked against the sign-in throttle (objects/identity/login-throttle.ts):
// signing in and changing one's password both reserve the attempt with the tenant's
// TenantObject first, by account (the e-mail) and client address, so a wrong current
// password at POST /v1/me/password counts as a failed sign-in from that address.
import type { Context } from "hono";
import type { LoginOutcome, SessionGrant } from "../../../objects/tenant-object/contract";
import type { AppEnv } from "../http/app-env";
import { ProblemError } from "../http/problem";
import type { TenantObjectClient } from "../objects";
import { clientAddress } from "./client-address";

export interface PasswordAttempt {
  attemptId: number;
  account: string;
  address: string;
}

/** Reserves an attempt at `account` from the caller's address, or answers 429 with Retry-After. */
export async function beginPasswordAttempt(
  c: Context<AppEnv>,
  object: TenantObjectClient,
  account: string,
): Promise<PasswordAttempt> {
  const address = clientAddress(c);
  const gate = await object.beginLogin(account, address);
  if (!gate.allowed) {
    throw new ProblemError(
      "rateLimited",
      "Too many failed sign-in attempts; try again later",
      { window: "login_failures" },
      { "Retry-After": String(gate.retryAfterSeconds) },
    );
  }
  return { attemptId: gate.attemptId, account, address };
}

/** Settles the attempt; the session a sign-in started, if it did. */
export function finishPasswordAttempt(
  object: TenantObjectClient,
  attempt: PasswordAttempt,
  outcome: LoginOutcome,
): Promise<SessionGrant | null> {
  return object.finishLogin(attempt.attemptId, attempt.account, attempt.address, outcome);
}
