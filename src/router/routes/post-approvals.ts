// Posts that wait for an approver (docs/approvals.md): approve (the post then goes the
// normal way, answered as POST /v1/posts answers), reject with a reason, edit while it
// waits (each version kept as a revision), and a post's revisions. The queue itself is
// GET /v1/posts?status=pending_approval (./posts.ts); a waiting post is withdrawn with
// DELETE /v1/posts/{id}.
//
// Who decides: owners and admins (posts.approve; a key of theirs needs approve:posts),
// never an agent and never on their own post (src/core/auth/approvals.ts, decisionDenial),
// refused with 403 before the tenant's object is asked. Two approvals at once publish
// once: the object lets the first go on and answers the other 409.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ApprovalConflict, FlowResult } from "../../../objects/tenant-object/contract";
import { decisionDenial, drafterOf } from "../../core/auth/approvals";
import { listPostRevisions, toPostRevision } from "../../core/db/post-revisions";
import { getPublishRequest, type PublishRequestRow } from "../../core/db/publish-requests";
import { platformAdapter } from "../../core/platforms";
import { refreshAtPlatform } from "../../core/platforms/refresh";
import { guard } from "../auth/guard";
import type { AppEnv } from "../http/app-env";
import { createRouter } from "../http/app-env";
import { ApproveBody, EditPendingBody, PostRevisionPageSchema, RejectBody } from "../http/approval-schemas";
import { auditActor } from "../http/audit";
import { decodeCursor, PageQuery, pageOf } from "../http/cursor";
import { ProblemError } from "../http/problem";
import { answerPublish, releaseRefusalProblem, sendProblem } from "../http/publish-answers";
import {
  MAX_SCHEDULE_AHEAD_MS,
  MIN_SCHEDULE_AHEAD_MS,
  PostParams,
  type PostSchema,
  postResponse,
} from "../http/publishing-schemas";
import { caller, callerObject, settlePosts } from "../http/request-context";
import { problemResponseSpec } from "../http/schemas";
import { retryOnReset } from "../objects";

const security = [{ bearerAuth: [] }];
const common = {
  401: problemResponseSpec("No valid credential"),
  404: problemResponseSpec("No such post in this tenant"),
};
const deciding = {
  ...common,
  400: problemResponseSpec("Invalid input (the field named)"),
  403: problemResponseSpec(
    "Role or scope does not allow it (posts.approve: owner, admin; a key needs approve:posts), the caller is an agent (agent-not-approver), or the post is the caller's own (own-post)",
  ),
  409: problemResponseSpec(
    "The post is not waiting for approval, or an approval of it is under way; for an approval, also as POST /v1/posts answers (the account cannot publish, the platform is not configured)",
  ),
};

const approveRoute = createRoute({
  method: "post",
  path: "/v1/posts/{id}/approve",
  operationId: "approve_post",
  tags: ["Posts"],
  summary: "Approve a post that waits: it is published (201) or scheduled (202) the normal way (owner, admin)",
  description:
    "From here the post goes as POST /v1/posts takes a post: its account's window, the plan's posts a month (counted now), its post configuration as it stands now, then the schedule or the platform; it is answered as POST /v1/posts answers. A refusal before anything was scheduled or sent (429 a full window or the month's quota, 422 a configuration's rule, 400 the platform's rules) leaves it waiting. The post keeps its author; the approval is audited under the approver.",
  security,
  middleware: guard("posts.approve", { action: "post.approve", resource: "post", idParam: "id" }, { publishes: true }),
  request: {
    params: PostParams,
    body: { content: { "application/json": { schema: ApproveBody } }, required: false },
  },
  responses: {
    201: postResponse("Approved and published"),
    202: postResponse("Approved and scheduled, or sent with an unknown outcome (status says which)"),
    402: problemResponseSpec(
      "The subscription is past_due beyond its grace, or canceled: nothing published or scheduled (payment-required)",
    ),
    422: problemResponseSpec(
      "The platform refused the post (it is then failed), or its post configuration refuses it now (it keeps waiting)",
    ),
    429: problemResponseSpec("A window is full, or the plan's posts this month are used up: it keeps waiting"),
    503: problemResponseSpec("The platform is unavailable; nothing was published and it keeps waiting"),
    ...deciding,
  },
});

const rejectRoute = createRoute({
  method: "post",
  path: "/v1/posts/{id}/reject",
  operationId: "reject_post",
  tags: ["Posts"],
  summary: "Reject a post that waits, saying why (owner, admin): it is never sent",
  security,
  middleware: guard("posts.approve", { action: "post.reject", resource: "post", idParam: "id" }),
  request: {
    params: PostParams,
    body: { content: { "application/json": { schema: RejectBody } }, required: true },
  },
  responses: { 200: postResponse("Rejected: status rejected, approval.rejection_reason the reason"), ...deciding },
});

const editRoute = createRoute({
  method: "patch",
  path: "/v1/posts/{id}",
  operationId: "edit_post",
  tags: ["Posts"],
  summary: "Edit a post that waits for approval: each version is kept (GET /v1/posts/{id}/revisions)",
  description:
    "Only a post in status pending_approval can be edited. The edit is checked as a new post is (its account, its platform's rules, its post configuration) and changes nothing when refused.",
  security,
  middleware: guard("posts.publish", { action: "post.edit", resource: "post", idParam: "id" }, { publishes: true }),
  request: {
    params: PostParams,
    body: { content: { "application/json": { schema: EditPendingBody } }, required: true },
  },
  responses: {
    200: postResponse("The post as edited"),
    400: problemResponseSpec(
      "Invalid input, or the post breaks its platform's or configuration's rules (fields named)",
    ),
    402: problemResponseSpec("The subscription is past_due beyond its grace, or canceled (payment-required)"),
    403: problemResponseSpec("Role or scope does not allow it"),
    409: problemResponseSpec("The post is not waiting for approval, or an approval of it is under way"),
    422: problemResponseSpec("Its post configuration refuses the edited post (rule names the field)"),
    ...common,
  },
});

const revisionsRoute = createRoute({
  method: "get",
  path: "/v1/posts/{id}/revisions",
  operationId: "list_post_revisions",
  tags: ["Posts"],
  summary: "A post's versions while it waited for approval, oldest first: drafted, each edit, the decision",
  security,
  middleware: guard("posts.read", { action: "post.revisions", resource: "post", idParam: "id" }),
  request: { params: PostParams, query: PageQuery },
  responses: {
    200: {
      description: "A page of revisions (none for a post that never waited)",
      content: { "application/json": { schema: PostRevisionPageSchema } },
    },
    400: problemResponseSpec("Invalid input"),
    403: problemResponseSpec("Role or scope does not allow it"),
    ...common,
  },
});

/** A time the route's clock says is ahead: at least MIN_SCHEDULE_AHEAD_MS, within a year; its ms. */
function aheadOf(field: string, scheduledAt: string, nowMs: number): number {
  const atMs = Date.parse(scheduledAt);
  const refuse = (message: string) =>
    new ProblemError("validation", `body field "${field}": ${message}`, {
      errors: [{ in: "body", field, message }],
    });
  if (!(atMs > nowMs + MIN_SCHEDULE_AHEAD_MS)) throw refuse("must be at least 5 seconds in the future");
  if (!(atMs < nowMs + MAX_SCHEDULE_AHEAD_MS)) throw refuse("must be within a year");
  return atMs;
}

/** The tenant's post `id`, as D1 has it once the object's answers reached it; 404 when none. */
async function postOf(c: Context<AppEnv>, id: string): Promise<PublishRequestRow> {
  await settlePosts(c);
  const row = await getPublishRequest(caller(c).scope, id);
  if (!row) throw new ProblemError("notFound", "No such post");
  return row;
}

/** 409 unless the post waits; 403 when the caller may not decide on it (decisionDenial). */
function refuseDecision(c: Context<AppEnv>, row: PublishRequestRow, verb: string): void {
  if (row.status !== "pending_approval" || !row.approval_reason) {
    throw new ProblemError("conflict", `Only a post waiting for approval can be ${verb}; this one is ${row.status}`);
  }
  const denied = decisionDenial(drafterOf(caller(c).user), {
    authorId: row.requested_by,
    draftedByKey: row.drafted_by_key ?? null,
    reason: row.approval_reason,
  });
  if (denied) throw new ProblemError(denied.kind === "agent" ? "agentNotApprover" : "ownPost", denied.detail);
}

function conflict(answer: ApprovalConflict): ProblemError {
  return new ProblemError("conflict", answer.detail);
}

function isConflict<T extends object>(answer: T | ApprovalConflict): answer is ApprovalConflict {
  return "kind" in answer && (answer.kind === "not_pending" || answer.kind === "approval_busy");
}

const RevisionCursor = z.object({ id: z.string() });

export const postApprovalRoutes = createRouter()
  .openapi(approveRoute, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json") ?? {};
    const nowMs = c.var.clock();
    const bestTime = body.scheduled_at === "best";
    const scheduledAtMs = body.scheduled_at && !bestTime ? aheadOf("scheduled_at", body.scheduled_at, nowMs) : null;
    refuseDecision(c, await postOf(c, id), "approved");
    const object = await callerObject(c);
    const answer = await retryOnReset(object, "approvePost", id, { actor: auditActor(c), scheduledAtMs, bestTime });
    if (isConflict(answer)) throw conflict(answer);
    let result: FlowResult = answer;
    // As POST /v1/posts: a token to refresh first is refreshed here (ARCHITECTURE.md, One
    // publish, end to end), and the object goes on with it.
    while (result.kind === "refresh_needed") {
      const { attemptId, lease } = result;
      const outcome = await refreshAtPlatform(platformAdapter(c.env, lease.platform, new URL(c.req.url).origin), lease);
      result = await retryOnReset(object, "resumePublish", attemptId, lease.leaseId, outcome);
    }
    return answerPublish(c, result);
  })
  .openapi(rejectRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { reason } = c.req.valid("json");
    refuseDecision(c, await postOf(c, id), "rejected");
    const answer = await retryOnReset(await callerObject(c), "rejectPost", id, { actor: auditActor(c), reason });
    if (isConflict(answer)) throw conflict(answer);
    return c.json(answer as z.infer<typeof PostSchema>, 200);
  })
  .openapi(editRoute, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const nowMs = c.var.clock();
    const scheduledAt =
      body.scheduled_at === undefined || body.scheduled_at === null || body.scheduled_at === "best"
        ? body.scheduled_at
        : aheadOf("scheduled_at", body.scheduled_at, nowMs);
    const row = await postOf(c, id);
    if (row.status !== "pending_approval") {
      throw new ProblemError("conflict", `Only a post waiting for approval can be edited; this one is ${row.status}`);
    }
    const answer = await retryOnReset(await callerObject(c), "editPending", id, {
      actor: auditActor(c),
      text: body.text,
      hashtags: body.hashtags,
      imageUrl: body.image_url,
      videoUrl: body.video_url,
      scheduledAt,
      classification: body.classification,
      note: body.note ?? null,
    });
    if (isConflict(answer)) throw conflict(answer);
    if ("kind" in answer) {
      // Refused as a new post would be: its account, its platform's rules, its configuration.
      const { kind, error } = releaseRefusalProblem(answer);
      return sendProblem(c, kind, error);
    }
    return c.json(answer as z.infer<typeof PostSchema>, 200);
  })
  .openapi(revisionsRoute, async (c) => {
    const { id } = c.req.valid("param");
    const query = c.req.valid("query");
    await postOf(c, id);
    const page = await listPostRevisions(caller(c).scope, id, {
      afterId: decodeCursor(query.cursor, RevisionCursor)?.id,
      limit: query.limit,
    });
    return c.json(
      pageOf(page.rows.map(toPostRevision), page.hasMore, (last) => ({ id: last.id })),
      200,
    );
  });
