// The app's onError and notFound: everything leaves as problem+json.
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { isTenantNotResident } from "../../core/db/resident-database";
import { NoShardAvailableError } from "../../core/placement/choose-shard";
import { TenantNotCreatedError } from "../../core/placement/provision-tenant";
import { settleDeferredAuth } from "../auth/settle-deferred";
import type { AppEnv } from "./app-env";
import { auditFailure } from "./audit";
import { PROBLEM_TYPES, ProblemError, type ProblemKind, problemResponse, problemTypeUri } from "./problem";

function kindForStatus(status: number): ProblemKind {
  const match = (Object.keys(PROBLEM_TYPES) as ProblemKind[]).find((kind) => PROBLEM_TYPES[kind].status === status);
  return match ?? (status >= 500 ? "internal" : "validation");
}

function fromHttpException(c: Context, err: HTTPException): Response {
  // Hono's own validators throw 400 "Malformed JSON in request body" etc.
  const malformed = err.status === 400 && /json/i.test(err.message);
  const kind: ProblemKind = malformed ? "malformedJson" : kindForStatus(err.status);
  return problemResponse(c, {
    type: problemTypeUri(kind),
    title: PROBLEM_TYPES[kind].title,
    status: err.status,
    detail: err.message || PROBLEM_TYPES[kind].title,
  });
}

export const onError: ErrorHandler<AppEnv> = async (caught, c) => {
  // A route that defers authentication answers for the credential first.
  const err = (await settleDeferredAuth(c).catch(() => null)) ?? caught;
  if (err instanceof ProblemError) {
    await auditFailure(c, err.problem.status, err.problem.detail ?? err.problem.title);
    return problemResponse(c, err.problem, err.headers);
  }
  if (err instanceof TenantNotCreatedError || err instanceof NoShardAvailableError) {
    // Nothing of the tenant was kept (src/core/placement/provision-tenant.ts): safe to retry.
    console.error(`[${c.var.requestId ?? "-"}] tenant not created`, err.message);
    await auditFailure(c, 503, err.message);
    return problemResponse(
      c,
      {
        type: problemTypeUri("unavailable"),
        title: PROBLEM_TYPES.unavailable.title,
        status: 503,
        detail:
          err instanceof NoShardAvailableError
            ? `No database of region ${err.region} takes new tenants; the operator must open or add one`
            : "The tenant's database did not take its first rows; nothing was kept. Retry.",
      },
      { "Retry-After": "5" },
    );
  }
  if (isTenantNotResident(err)) {
    // A write reached a shard the tenant is leaving, or was through a stale directory
    // entry (already forgotten): nothing was written; the retry finds the right shard.
    await auditFailure(c, 503, err.message);
    return problemResponse(
      c,
      {
        type: problemTypeUri("tenantMoving"),
        title: PROBLEM_TYPES.tenantMoving.title,
        status: 503,
        detail: err.message,
      },
      { "Retry-After": "1" },
    );
  }
  if (err instanceof HTTPException) {
    await auditFailure(c, err.status, err.message);
    return fromHttpException(c, err);
  }
  // Anything else is a bug: log it with the request id, never leak the message.
  console.error(`[${c.var.requestId ?? "-"}] unhandled error`, err);
  await auditFailure(c, 500, "internal error");
  return problemResponse(c, {
    type: problemTypeUri("internal"),
    title: PROBLEM_TYPES.internal.title,
    status: 500,
    detail: "An unexpected error occurred; quote the request id when reporting it",
  });
};

export const notFound: NotFoundHandler = (c) =>
  problemResponse(c, {
    type: problemTypeUri("notFound"),
    title: PROBLEM_TYPES.notFound.title,
    status: 404,
    detail: `No route for ${c.req.method} ${new URL(c.req.url).pathname}`,
  });
