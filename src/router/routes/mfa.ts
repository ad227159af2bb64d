// The signed-in user's TOTP second factor: enrol (a new secret, shown once),
// verify (turns MFA on), disable (needs a current code). The secret is stored
// encrypted with the tenant's key. Turning MFA on or off ends the user's other
// sessions (src/router/auth/end-sessions.ts): the session that did it proved a current code.

import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { generateTotpSecret, matchTotp, otpauthUri } from "../../core/auth/totp";
import { isoNow } from "../../core/clock";
import { tenantCipher } from "../../core/crypto/tenant-cipher";
import { getUser, setMfa, toUser, type UserRow } from "../../core/db/users";
import { endOtherSessions } from "../auth/end-sessions";
import { guard } from "../auth/guard";
import type { AppEnv } from "../http/app-env";
import { createRouter } from "../http/app-env";
import { commitAudited } from "../http/audit";
import { UserSchema } from "../http/identity-schemas";
import { ProblemError } from "../http/problem";
import { caller, callerObject } from "../http/request-context";
import { problemResponseSpec } from "../http/schemas";

const security = [{ bearerAuth: [] }];
const errors = {
  400: problemResponseSpec("Invalid body"),
  401: problemResponseSpec("No valid credential"),
  403: problemResponseSpec("Only a signed-in user (session) may manage MFA"),
  409: problemResponseSpec("MFA is not in the state this step needs"),
  429: problemResponseSpec("Too many wrong codes in 15 minutes; see Retry-After"),
};
const CodeBody = z.object({ code: z.string().regex(/^\d{6}$/, "six digits") }).openapi("TotpCode");

const Enrolment = z
  .object({
    secret: z.string().openapi({ description: "Base32 TOTP secret. Shown once." }),
    otpauth_uri: z.string(),
    algorithm: z.literal("SHA1"),
    digits: z.literal(6),
    period: z.literal(30),
  })
  .openapi("MfaEnrolment");

async function me(c: Context<AppEnv>): Promise<UserRow> {
  const { user, scope } = caller(c);
  const row = await getUser(scope, user.userId);
  if (!row) throw new ProblemError("notFound", "User not found");
  return row;
}

/**
 * The code checked by the TenantObject: the step it matches for `row`'s stored secret,
 * claimed once (no replay), and throttled per user (wrong codes, here and at sign-in).
 */
async function attemptCode(c: Context<AppEnv>, row: UserRow, code: string) {
  const { user } = caller(c);
  let step: number | null = null;
  if (row.mfa_secret) {
    const cipher = tenantCipher(c.env, user.tenantId, user.tenantKey);
    const secret = await cipher.decryptText("users", "mfa_secret", row.user_id, row.mfa_secret);
    step = await matchTotp(secret, code, Math.floor(c.var.clock() / 1000));
  }
  return (await callerObject(c)).attemptTotp(row.user_id, step);
}

/** 400 naming "code" unless it is the current, unused code; 429 while the user is locked out. */
async function requireCurrentCode(c: Context<AppEnv>, row: UserRow, code: string): Promise<void> {
  const attempt = await attemptCode(c, row, code);
  if (attempt.ok) return;
  if (attempt.reason === "throttled") {
    throw new ProblemError(
      "rateLimited",
      "Too many wrong codes; try again later",
      { window: "totp_failures" },
      { "Retry-After": String(attempt.retryAfterSeconds) },
    );
  }
  throw new ProblemError("validation", 'body field "code": not the current code', {
    errors: [{ in: "body", field: "code", message: "Not the current code" }],
  });
}

const enrolRoute = createRoute({
  method: "post",
  path: "/v1/me/mfa/enroll",
  operationId: "enroll_mfa",
  tags: ["Auth"],
  summary: "Start TOTP enrolment: a new secret, shown once",
  security,
  middleware: guard("mfa.manage", { action: "mfa.enroll", resource: "user" }),
  responses: {
    201: { description: "Secret issued", content: { "application/json": { schema: Enrolment } } },
    ...errors,
  },
});

const verifyRoute = createRoute({
  method: "post",
  path: "/v1/me/mfa/verify",
  operationId: "verify_mfa",
  tags: ["Auth"],
  summary: "Confirm enrolment with a current code: MFA is on from now",
  security,
  middleware: guard("mfa.manage", { action: "mfa.enable", resource: "user" }),
  request: { body: { content: { "application/json": { schema: CodeBody } }, required: true } },
  responses: { 200: { description: "MFA on", content: { "application/json": { schema: UserSchema } } }, ...errors },
});

const disableRoute = createRoute({
  method: "post",
  path: "/v1/me/mfa/disable",
  operationId: "disable_mfa",
  tags: ["Auth"],
  summary: "Turn MFA off with a current code",
  security,
  middleware: guard("mfa.manage", { action: "mfa.disable", resource: "user" }),
  request: { body: { content: { "application/json": { schema: CodeBody } }, required: true } },
  responses: { 200: { description: "MFA off", content: { "application/json": { schema: UserSchema } } }, ...errors },
});

export const mfaRoutes = createRouter()
  .openapi(enrolRoute, async (c) => {
    const { user, scope } = caller(c);
    const row = await me(c);
    if (row.mfa_enabled === 1) throw new ProblemError("conflict", "MFA is already on; disable it first");
    const secret = generateTotpSecret();
    const stored = await tenantCipher(c.env, user.tenantId, user.tenantKey).encryptText(
      "users",
      "mfa_secret",
      row.user_id,
      secret,
    );
    await commitAudited(
      c,
      scope.db,
      [setMfa(scope, row.user_id, { enabled: false, secret: stored }, isoNow(c.var.clock))],
      {
        action: "mfa.enroll",
        resourceType: "user",
        resourceId: row.user_id,
      },
    );
    return c.json(
      {
        secret,
        otpauth_uri: otpauthUri(secret, row.email),
        algorithm: "SHA1" as const,
        digits: 6 as const,
        period: 30 as const,
      },
      201,
    );
  })
  .openapi(verifyRoute, async (c) => {
    const { scope } = caller(c);
    const row = await me(c);
    if (row.mfa_enabled === 1) throw new ProblemError("conflict", "MFA is already on");
    if (!row.mfa_secret) throw new ProblemError("conflict", "Enrol first: POST /v1/me/mfa/enroll");
    await requireCurrentCode(c, row, c.req.valid("json").code);
    const now = isoNow(c.var.clock);
    await commitAudited(c, scope.db, [setMfa(scope, row.user_id, { enabled: true, secret: row.mfa_secret }, now)], {
      action: "mfa.enable",
      resourceType: "user",
      resourceId: row.user_id,
    });
    // Sessions begun with the password alone do not outlive the second factor.
    await endOtherSessions(c);
    return c.json(toUser({ ...row, mfa_enabled: 1, updated_at: now }), 200);
  })
  .openapi(disableRoute, async (c) => {
    const { scope } = caller(c);
    const row = await me(c);
    if (row.mfa_enabled !== 1) throw new ProblemError("conflict", "MFA is not on");
    await requireCurrentCode(c, row, c.req.valid("json").code);
    const now = isoNow(c.var.clock);
    await commitAudited(c, scope.db, [setMfa(scope, row.user_id, { enabled: false, secret: null }, now)], {
      action: "mfa.disable",
      resourceType: "user",
      resourceId: row.user_id,
    });
    await endOtherSessions(c);
    return c.json(toUser({ ...row, mfa_enabled: 0, mfa_secret: null, updated_at: now }), 200);
  });
