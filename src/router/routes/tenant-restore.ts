// POST /v1/tenant/restore: the owner takes back a deleted tenant during its 30-day grace
// (docs/privacy.md, "A tenant's erasure"). A deleted tenant accepts no credential (its
// sessions ended and its keys were revoked at deletion), so the owner proves who they
// are here as at sign-in: the tenant's id, their e-mail and password, and their TOTP code
// when MFA is on, checked the same way (auth.ts checkCredentials) and throttled by the
// same per-address and per-account limits (objects/identity/login-throttle.ts). Only an
// owner may restore. Whatever is wrong (no such tenant, one not in its grace or already
// being erased, a wrong password or code) answers the same 401 as a wrong password.
//
// Restored, the tenant is active again with every row it had; its API keys stay
// revoked and its sessions ended (the owner signs in and makes new keys), and its posts
// held meanwhile stay held until released (docs/publishing.md, Held posts). The restore
// is in the tenant's trail (tenant.restore), as the deletion is (tenant.delete).
import { createRoute } from "@hono/zod-openapi";
import type { LoginOutcome } from "../../../objects/tenant-object/contract";
import { decoyPasswordHash, passwordIterations, verifyPassword } from "../../core/auth/passwords";
import { isoNow } from "../../core/clock";
import { isTriggerAbort } from "../../core/db/errors";
import { expectChanges, PRECONDITION_FAILED } from "../../core/db/preconditions";
import { cancelGrace, findErasure } from "../../core/db/tenant-erasures";
import { scopeOn } from "../../core/db/tenant-scope";
import { findTenant, toTenant, updateTenant } from "../../core/db/tenants";
import { findUserByEmail } from "../../core/db/users";
import { placementOfRow } from "../../core/placement/directory";
import { beginPasswordAttempt, finishPasswordAttempt } from "../auth/password-attempt";
import { createRouter } from "../http/app-env";
import { auditActor, commitGlobalForTenant } from "../http/audit";
import { RestoreBody } from "../http/erasure-schemas";
import { TenantSchema } from "../http/identity-schemas";
import { jsonBody, jsonResponse } from "../http/openapi-parts";
import { ProblemError } from "../http/problem";
import { problemResponseSpec } from "../http/schemas";
import { retryOnReset, tenantObjectAt } from "../objects";
import { checkCredentials } from "./auth";

const WRONG =
  "The tenant cannot be restored with these credentials (wrong e-mail, password or code, or no grace to cancel)";

const route = createRoute({
  method: "post",
  path: "/v1/tenant/restore",
  operationId: "restore_tenant",
  security: [],
  tags: ["Tenants"],
  summary: "Restore a deleted tenant during its 30-day grace (its owner, with e-mail and password, and TOTP when on)",
  request: jsonBody(RestoreBody),
  responses: {
    200: jsonResponse("The tenant, active again", TenantSchema),
    400: problemResponseSpec("Invalid body"),
    401: problemResponseSpec(
      "Wrong credentials, no tenant in its grace, or a TOTP code is required (mfa_required: true)",
    ),
    403: problemResponseSpec("The credentials are right but not an owner's"),
    409: problemResponseSpec("The tenant's erasure started meanwhile: it can no longer be restored"),
    429: problemResponseSpec("Too many failed attempts; see Retry-After"),
  },
});

export const tenantRestoreRoutes = createRouter().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const db = c.env.DB;
  const tenant = await findTenant(db, body.tenant_id);
  const grace = tenant ? await findErasure(db, tenant.tenant_id) : null;
  const placement = tenant ? placementOfRow(tenant) : null;
  if (tenant?.status !== "deleted" || grace?.state !== "grace" || !placement) {
    // Same work and the same answer as a wrong password.
    await verifyPassword(body.password, decoyPasswordHash(passwordIterations(c.env)));
    throw new ProblemError("unauthenticated", WRONG);
  }
  const object = await tenantObjectAt(c.env, placement);
  const attempt = await beginPasswordAttempt(c, object, body.email);
  const user = await findUserByEmail(scopeOn(c.env, placement), body.email);
  let outcome: Awaited<ReturnType<typeof checkCredentials>> = null;
  let settled: LoginOutcome = { kind: "failed" };
  try {
    outcome = await checkCredentials(c, user, tenant, body);
    // No session starts: the tenant is not active until the restore commits.
    if (outcome) settled = { kind: "proven" };
  } finally {
    await finishPasswordAttempt(object, attempt, settled);
  }
  if (!outcome) throw new ProblemError("unauthenticated", WRONG);
  if (outcome.mfaMissing) throw new ProblemError("unauthenticated", "A TOTP code is required", { mfa_required: true });
  if (outcome.user.role !== "owner") throw new ProblemError("forbidden", "Only an owner can restore the tenant");

  const now = isoNow(c.var.clock);
  try {
    // One batch: the grace cancelled only while it is still a grace (the daily job's
    // start of the erasure is a compare-and-set on it too), then the tenant active.
    await commitGlobalForTenant(
      c,
      tenant.tenant_id,
      [
        cancelGrace(db, tenant.tenant_id),
        expectChanges(db, 1),
        updateTenant(db, tenant.tenant_id, { status: "active" }, now),
      ],
      { action: "tenant.restore", resourceType: "tenant", resourceId: tenant.tenant_id },
      { ...auditActor(c), tenantId: tenant.tenant_id, userId: outcome.user.user_id },
    );
  } catch (error) {
    if (isTriggerAbort(error, PRECONDITION_FAILED)) {
      throw new ProblemError("conflict", "The tenant's erasure has started: it can no longer be restored");
    }
    throw error;
  }
  // The object reads the status again; the work it paused (token upkeep, insight pulls) resumes.
  await retryOnReset(object, "tenantStatusChanged", "active");
  return c.json(toTenant((await findTenant(db, tenant.tenant_id)) ?? { ...tenant, status: "active" }), 200);
});
