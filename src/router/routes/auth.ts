// POST /v1/auth/login: e-mail and password (and a TOTP code once MFA is on) for an
// expiring session token, whose session the tenant's TenantObject starts and keeps.
// Every wrong answer looks the same, and guessing is throttled per (e-mail, client
// address), per e-mail and per client address by that object
// (objects/identity/login-throttle.ts), in a way that cannot lock the owner out.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { LoginOutcome, SessionGrant } from "../../../objects/tenant-object/contract";
import { decoyPasswordHash, passwordIterations, verifyPassword } from "../../core/auth/passwords";
import { issueSessionToken } from "../../core/auth/session-token";
import { matchTotp } from "../../core/auth/totp";
import { isoNow } from "../../core/clock";
import { tenantCipher } from "../../core/crypto/tenant-cipher";
import { idPattern } from "../../core/db/ids";
import { scopeOn } from "../../core/db/tenant-scope";
import { findTenant } from "../../core/db/tenants";
import { findUserByEmail, recordLogin, toUser, type UserRow } from "../../core/db/users";
import { placementOfRow } from "../../core/placement/directory";
import { beginPasswordAttempt, finishPasswordAttempt } from "../auth/password-attempt";
import type { AppEnv } from "../http/app-env";
import { createRouter } from "../http/app-env";
import { auditActor, commitAudited } from "../http/audit";
import { EmailField, UserSchema } from "../http/identity-schemas";
import { ProblemError } from "../http/problem";
import { problemResponseSpec } from "../http/schemas";
import { tenantObject, tenantObjectAt } from "../objects";

const LoginBody = z
  .object({
    tenant_id: z.string().regex(idPattern("tenant"), "a tenant id (ten_...)"),
    email: EmailField,
    password: z.string().min(1).max(256),
    totp: z
      .string()
      .regex(/^\d{6}$/, "six digits")
      .optional(),
  })
  .openapi("Login");

const Session = z
  .object({
    token: z.string(),
    token_type: z.literal("Bearer"),
    expires_at: z.string().openapi({ format: "date-time" }),
    user: UserSchema,
  })
  .openapi("Session");

const route = createRoute({
  method: "post",
  path: "/v1/auth/login",
  operationId: "create_session",
  security: [],
  tags: ["Auth"],
  summary: "Sign in with e-mail and password (and TOTP when enabled)",
  request: { body: { content: { "application/json": { schema: LoginBody } }, required: true } },
  responses: {
    200: { description: "Signed in", content: { "application/json": { schema: Session } } },
    400: problemResponseSpec("Invalid body"),
    401: problemResponseSpec("Wrong credentials, or a TOTP code is required (mfa_required: true)"),
    429: problemResponseSpec("Too many failed attempts; see Retry-After"),
  },
});

const WRONG = "The e-mail, password or code is not correct";

/**
 * Password, status and (when on) TOTP. Null means "wrong", whatever was wrong. The
 * owner's restore of a deleted tenant checks them the same way (tenant-restore.ts).
 */
export async function checkCredentials(
  c: Context<AppEnv>,
  user: UserRow | null,
  tenant: { kms_key_id: string; encryption_version: number; tenant_id: string },
  body: z.infer<typeof LoginBody>,
): Promise<{ user: UserRow; mfaMissing: boolean } | null> {
  const passwordOk = await verifyPassword(
    body.password,
    user?.password_hash ?? decoyPasswordHash(passwordIterations(c.env)),
  );
  if (!user || !passwordOk || user.status !== "active") return null;
  if (user.mfa_enabled !== 1) return { user, mfaMissing: false };
  if (!body.totp) return { user, mfaMissing: true };
  return (await totpAccepted(c, tenant, user, body.totp)) ? { user, mfaMissing: false } : null;
}

/**
 * Whether `code` is the user's current TOTP code, under the per-user code throttle (the
 * OAuth sign-in page's second step asks it too: src/router/routes/oauth-authorize.ts).
 */
export async function totpAccepted(
  c: Context<AppEnv>,
  tenant: { kms_key_id: string; encryption_version: number; tenant_id: string },
  user: UserRow,
  code: string,
): Promise<boolean> {
  const cipher = tenantCipher(c.env, tenant.tenant_id, {
    kmsKeyId: tenant.kms_key_id,
    encryptionVersion: tenant.encryption_version,
  });
  const secret = await cipher.decryptText("users", "mfa_secret", user.user_id, user.mfa_secret as string);
  const step = await matchTotp(secret, code, Math.floor(c.var.clock() / 1000));
  // The same per-user code throttle as confirming or turning off MFA: a wrong code here
  // counts there too. A user locked out of codes answers as a wrong code would: telling
  // them apart would tell a guesser that the password was right.
  const object = await tenantObject(c.env, tenant.tenant_id);
  return (await object.attemptTotp(user.user_id, step)).ok;
}

export const authRoutes = createRouter().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const tenant = await findTenant(c.env.DB, body.tenant_id);
  const placement = tenant ? placementOfRow(tenant) : null;
  if (tenant?.status !== "active" || !placement) {
    // Same work and the same answer as a wrong password.
    await verifyPassword(body.password, decoyPasswordHash(passwordIterations(c.env)));
    throw new ProblemError("unauthenticated", WRONG);
  }
  const object = await tenantObjectAt(c.env, placement);
  const attempt = await beginPasswordAttempt(c, object, body.email);
  const scope = scopeOn(c.env, placement);
  const user = await findUserByEmail(scope, body.email);
  let outcome: Awaited<ReturnType<typeof checkCredentials>> = null;
  let settled: LoginOutcome = { kind: "failed" };
  let grant: SessionGrant | null = null;
  try {
    outcome = await checkCredentials(c, user, tenant, body);
    // The right password still waiting for its code is no failure: the owner's client
    // asking twice (without, then with the code) must not count against its address.
    if (outcome)
      settled = outcome.mfaMissing ? { kind: "proven" } : { kind: "signed_in", userId: outcome.user.user_id };
  } finally {
    grant = await finishPasswordAttempt(object, attempt, settled);
  }
  if (!outcome) throw new ProblemError("unauthenticated", WRONG);
  if (outcome.mfaMissing) {
    throw new ProblemError("unauthenticated", "A TOTP code is required", { mfa_required: true });
  }
  if (!grant) throw new Error("the tenant's object started no session for a sign-in");

  const now = isoNow(c.var.clock);
  const session = await issueSessionToken(
    c.env.SESSION_SECRET,
    { userId: outcome.user.user_id, tenantId: tenant.tenant_id, sessionId: grant.sessionId },
    Math.floor(c.var.clock() / 1000),
  );
  await commitAudited(
    c,
    scope.db,
    [recordLogin(scope, outcome.user.user_id, now)],
    {
      action: "auth.login",
      resourceType: "user",
      resourceId: outcome.user.user_id,
      metadata: { mfa: outcome.user.mfa_enabled === 1 },
    },
    { ...auditActor(c), tenantId: tenant.tenant_id, userId: outcome.user.user_id },
  );
  return c.json(
    {
      token: session.token,
      token_type: "Bearer" as const,
      expires_at: session.expiresAt.toISOString(),
      user: toUser({ ...outcome.user, last_login_at: now }),
    },
    200,
  );
});
