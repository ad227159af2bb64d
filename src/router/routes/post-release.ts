// POST /v1/posts/{id}/release: an owner or admin sends a held post out again at a new
// time (docs/publishing.md, Held posts). The post is scheduled again in the tenant's
// TenantObject and fired by its alarm like any scheduled post, the hold's checks made
// again then (objects/publishing/scheduler.ts, release). Refused with 409 while the
// tenant is stopped (tenant-stopped) or the member who answers for the post is still
// suspended or removed (author-removed), unless the caller takes it over with
// override_author_removed: the post keeps its author, the release is audited under the
// caller, who answers for it when it fires.
import { createRoute } from "@hono/zod-openapi";
import type { Release } from "../../../objects/tenant-object/contract";
import { getPublishRequest } from "../../core/db/publish-requests";
import { guard } from "../auth/guard";
import { createRouter } from "../http/app-env";
import { auditActor } from "../http/audit";
import { ProblemError } from "../http/problem";
import { releaseRefusalProblem, sendProblem } from "../http/publish-answers";
import {
  MAX_SCHEDULE_AHEAD_MS,
  MIN_SCHEDULE_AHEAD_MS,
  PostParams,
  PostSchema,
  ReleaseBody,
} from "../http/publishing-schemas";
import { caller, callerObject, settlePosts } from "../http/request-context";
import { problemResponseSpec } from "../http/schemas";
import { retryOnReset } from "../objects";

const releaseRoute = createRoute({
  method: "post",
  path: "/v1/posts/{id}/release",
  operationId: "release_post",
  tags: ["Posts"],
  summary: "Release a held post at a new time (owner, admin)",
  description:
    "A held post came due while its tenant was stopped or its author removed, and was not sent. Released, it is scheduled again at scheduled_at and goes out then, unless a hold's reason stands again at that time.",
  security: [{ bearerAuth: [] }],
  middleware: guard("posts.release", { action: "post.release", resource: "post", idParam: "id" }, { publishes: true }),
  request: {
    params: PostParams,
    body: { content: { "application/json": { schema: ReleaseBody } }, required: true },
  },
  responses: {
    200: { description: "Scheduled again", content: { "application/json": { schema: PostSchema } } },
    400: problemResponseSpec("Invalid input, or scheduled_at not in the future (the field named)"),
    401: problemResponseSpec("No valid credential"),
    402: problemResponseSpec(
      "The subscription is past_due beyond its grace, or canceled: the post stays held (payment-required)",
    ),
    403: problemResponseSpec("Role or scope does not allow it"),
    404: problemResponseSpec("No such post in this tenant"),
    409: problemResponseSpec(
      "The post is not held; the tenant is still stopped (tenant-stopped); its author is still suspended or removed (author-removed); or its account cannot publish",
    ),
    422: problemResponseSpec(
      "Its post configuration refuses it now (platform-not-allowed, guard-not-passed, brand-voice-too-low; rule names the field)",
    ),
  },
});

/** A new time the route's clock says is ahead: at least MIN_SCHEDULE_AHEAD_MS, within a year. */
function dueAt(scheduledAt: string, nowMs: number): number {
  const dueAtMs = Date.parse(scheduledAt);
  const refuse = (message: string) =>
    new ProblemError("validation", `body field "scheduled_at": ${message}`, {
      errors: [{ in: "body", field: "scheduled_at", message }],
    });
  if (!(dueAtMs > nowMs + MIN_SCHEDULE_AHEAD_MS)) throw refuse("must be at least 5 seconds in the future");
  if (!(dueAtMs < nowMs + MAX_SCHEDULE_AHEAD_MS)) throw refuse("must be within a year");
  return dueAtMs;
}

export const postReleaseRoutes = createRouter().openapi(releaseRoute, async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  const release: Release = {
    dueAtMs: dueAt(body.scheduled_at, c.var.clock()),
    actor: auditActor(c),
    overrideAuthorRemoved: body.override_author_removed,
  };
  await settlePosts(c);
  const row = await getPublishRequest(caller(c).scope, id);
  if (!row) throw new ProblemError("notFound", "No such post");
  if (row.status !== "held") {
    throw new ProblemError("conflict", `Only a held post can be released; this one is ${row.status}`);
  }
  const object = await callerObject(c);
  const outcome = await retryOnReset(object, "releaseHeld", id, release);
  if (!outcome) throw new ProblemError("conflict", "Only a held post can be released; this one is no longer held");
  if (outcome.kind === "released") return c.json(outcome.post, 200);
  // The hold's reasons stand, or the account or the post refused as a publish would be.
  const { kind, error } = releaseRefusalProblem(outcome);
  return sendProblem(c, kind, error);
});
