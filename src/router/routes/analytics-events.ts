// POST /v1/analytics/events: batches of per-post metric snapshots or deltas, applied
// by the tenant's TenantObject all or nothing, once per Idempotency-Key.
import { createRoute, z } from "@hono/zod-openapi";
import { guard } from "../auth/guard";
import { EventBatchSchema } from "../http/analytics-schemas";
import { createRouter } from "../http/app-env";
import { auditActor } from "../http/audit";
import { ProblemError } from "../http/problem";
import { callerObject } from "../http/request-context";
import { idempotencyHeader, problemResponseSpec } from "../http/schemas";
import { retryOnReset } from "../objects";

const Accepted = z
  .object({
    accepted: z.number().int(),
    posts: z.number().int().openapi({ description: "Posts whose counters changed" }),
    duplicate: z.boolean().openapi({ description: "This Idempotency-Key was applied before; nothing changed now" }),
  })
  .openapi("EventsAccepted");

const route = createRoute({
  method: "post",
  path: "/v1/analytics/events",
  operationId: "ingest_analytics_events",
  tags: ["Analytics"],
  summary: "Ingest metric snapshots or deltas for published posts",
  security: [{ bearerAuth: [] }],
  middleware: guard("analytics.write", { action: "analytics.ingest", resource: "post_analytics" }),
  request: {
    headers: idempotencyHeader("A batch sent twice with the same key is applied once"),
    body: { content: { "application/json": { schema: EventBatchSchema } }, required: true },
  },
  responses: {
    200: { description: "Applied", content: { "application/json": { schema: Accepted } } },
    400: problemResponseSpec("Invalid events (fields named)"),
    401: problemResponseSpec("No valid credential"),
    403: problemResponseSpec("Role or scope does not allow it"),
    404: problemResponseSpec("Events name posts this tenant did not publish; nothing was applied"),
  },
});

export const analyticsEventsRoutes = createRouter().openapi(route, async (c) => {
  const { events } = c.req.valid("json");
  const key = c.req.valid("header")["idempotency-key"] ?? null;
  const object = await callerObject(c);
  const batch = events.map((e) => ({
    postId: e.post_id,
    type: e.type,
    atMs: e.at ? Date.parse(e.at) : undefined,
    metrics: e.metrics,
  }));
  // Repeated after a reset only with a key: without one, deltas applied twice would count
  // twice (REPEAT in the object's contract says so, and retryOnReset follows it).
  const result = await retryOnReset(object, "ingestEvents", batch, key, auditActor(c));
  if (result.kind === "unknown_posts") {
    throw new ProblemError("notFound", `No such post: events ${result.indexes.slice(0, 5).join(", ")}`, {
      errors: result.indexes
        .slice(0, 50)
        .map((i) => ({ in: "body", field: `events.${i}.post_id`, message: "No such post" })),
    });
  }
  return c.json({ accepted: result.accepted, posts: result.posts, duplicate: result.duplicate }, 200);
});
