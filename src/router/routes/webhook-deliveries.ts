// The outgoing webhooks' delivery log and what sends one on demand (docs/webhooks.md,
// "The delivery log"): an endpoint's attempts newest first; a test event to one
// endpoint; an event sent again. A test or a redelivery is a new series of attempts
// (tries 1 to 10 of the retry schedule), queued like any event: its rows and audit row
// in one batch on the tenant's shard, then its messages.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { isoNow } from "../../core/clock";
import { newId } from "../../core/db/ids";
import { insertSeries, listDeliveries, toDelivery } from "../../core/webhooks/deliveries-store";
import { getEndpoint, subscriptions, targetsOf } from "../../core/webhooks/endpoints-store";
import { eventRecord, type TestEventData } from "../../core/webhooks/events";
import { getEvent, insertEvents } from "../../core/webhooks/events-store";
import { enqueueDeliveries } from "../../core/webhooks/queue";
import { guard } from "../auth/guard";
import { type AppEnv, createRouter } from "../http/app-env";
import { commitAudited } from "../http/audit";
import { idParam } from "../http/content-schemas";
import { decodeCursor, pageOf } from "../http/cursor";
import { pageSchema } from "../http/identity-schemas";
import { bearer, jsonBody, jsonResponse, problems } from "../http/openapi-parts";
import { ProblemError } from "../http/problem";
import { caller } from "../http/request-context";
import { problemResponseSpec } from "../http/schemas";
import { DeliveryQuery, DeliverySchema, QueuedSchema, RedeliverBody } from "../http/webhook-schemas";
import { targetEndpoint } from "./webhook-endpoints";

const TAG = ["Webhooks"];
const EndpointParams = z.object({ id: idParam("webhookEndpoint") });
const EventParams = z.object({ id: idParam("webhookEvent") });
const Cursor = z.object({ id: z.string() });

const logRoute = createRoute({
  method: "get",
  path: "/v1/webhook-endpoints/{id}/deliveries",
  operationId: "list_webhook_deliveries",
  tags: TAG,
  summary: "An endpoint's delivery attempts, newest first (time, status, latency, next retry)",
  security: bearer,
  middleware: guard("webhooks.manage", {
    action: "webhook_delivery.list",
    resource: "webhook_endpoint",
    idParam: "id",
  }),
  request: {
    params: EndpointParams,
    query: DeliveryQuery.extend({
      event_id: idParam("webhookEvent", "event_id")
        .openapi({ param: { name: "event_id", in: "query" } })
        .optional(),
    }),
  },
  responses: {
    200: jsonResponse("A page of attempts", pageSchema(DeliverySchema, "WebhookDeliveryPage")),
    ...problems("No such webhook endpoint"),
  },
});

const testRoute = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints/{id}/test",
  operationId: "send_webhook_test",
  tags: TAG,
  summary: "Send a webhook.test event to the endpoint",
  security: bearer,
  middleware: guard("webhooks.manage", {
    action: "webhook_endpoint.test",
    resource: "webhook_endpoint",
    idParam: "id",
  }),
  request: { params: EndpointParams },
  responses: {
    202: jsonResponse("Queued", QueuedSchema),
    409: problemResponseSpec("The endpoint is disabled"),
    ...problems("No such webhook endpoint"),
  },
});

const redeliverRoute = createRoute({
  method: "post",
  path: "/v1/webhook-events/{id}/redeliver",
  operationId: "redeliver_webhook_event",
  tags: TAG,
  summary: "Send an event again (within its 30 days), to one endpoint or to every one subscribed to it",
  security: bearer,
  middleware: guard("webhooks.manage", { action: "webhook_event.redeliver", resource: "webhook_event", idParam: "id" }),
  request: { params: EventParams, ...jsonBody(RedeliverBody) },
  responses: {
    202: jsonResponse("Queued", QueuedSchema),
    409: problemResponseSpec("The endpoint is disabled, or no enabled endpoint receives this event"),
    ...problems("No such webhook event or endpoint"),
  },
});

/** A new series of attempts of `eventId` to each endpoint, with its audit row, then its messages. */
async function queueSeries(
  c: Context<AppEnv>,
  event: { eventId: string; type: string },
  endpointIds: readonly string[],
  origin: "redelivery" | "test",
  before: D1PreparedStatement[],
  audit: { action: string; resourceType: string; resourceId: string },
) {
  const { scope } = caller(c);
  const now = isoNow(c.var.clock);
  const deliveries = endpointIds.map((endpointId) => ({
    endpoint_id: endpointId,
    delivery_id: newId("webhookDelivery", c.var.clock()),
  }));
  await commitAudited(
    c,
    scope.db,
    [
      ...before,
      ...deliveries.map((d) =>
        insertSeries(scope, {
          deliveryId: d.delivery_id,
          endpointId: d.endpoint_id,
          eventId: event.eventId,
          eventType: event.type,
          origin,
          dueAt: now,
          createdAt: now,
        }),
      ),
    ],
    { ...audit, metadata: { event_id: event.eventId, endpoint_ids: endpointIds } },
  );
  await enqueueDeliveries(
    c.env,
    endpointIds.map((endpointId) => ({ tenantId: scope.tenantId, endpointId, eventId: event.eventId })),
  );
  return { event_id: event.eventId, deliveries };
}

export const webhookDeliveriesRoutes = createRouter()
  .openapi(logRoute, async (c) => {
    const { id } = c.req.valid("param");
    const query = c.req.valid("query");
    await targetEndpoint(c, id);
    const page = await listDeliveries(caller(c).scope, id, {
      beforeId: decodeCursor(query.cursor, Cursor)?.id,
      limit: query.limit,
      ...(query.event_id ? { eventId: query.event_id } : {}),
    });
    return c.json(
      pageOf(page.rows.map(toDelivery), page.hasMore, (last) => ({ id: last.id })),
      200,
    );
  })
  .openapi(testRoute, async (c) => {
    const { scope } = caller(c);
    const { id } = c.req.valid("param");
    const endpoint = await targetEndpoint(c, id);
    if (endpoint.enabled !== 1) throw new ProblemError("conflict", "The endpoint is disabled: enable it first");
    const nowMs = c.var.clock();
    const data: TestEventData = {
      endpoint_id: id,
      message: "A test event: this endpoint receives DIFY-AGENT webhooks.",
    };
    const event = eventRecord(newId("webhookEvent", nowMs), "webhook.test", new Date(nowMs).toISOString(), data);
    const queued = await queueSeries(c, event, [id], "test", [insertEvents(scope, [event])], {
      action: "webhook_endpoint.test",
      resourceType: "webhook_endpoint",
      resourceId: id,
    });
    return c.json(queued, 202);
  })
  .openapi(redeliverRoute, async (c) => {
    const { scope } = caller(c);
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const event = await getEvent(scope, id);
    if (!event) throw new ProblemError("notFound", "No such webhook event (events are kept 30 days)");
    let targets: string[];
    if (body.endpoint_id) {
      const endpoint = await getEndpoint(scope, body.endpoint_id);
      if (!endpoint) throw new ProblemError("notFound", "No such webhook endpoint");
      if (endpoint.enabled !== 1) throw new ProblemError("conflict", "The endpoint is disabled: enable it first");
      targets = [endpoint.endpoint_id];
    } else {
      targets = targetsOf(await subscriptions(scope), event.type);
      if (targets.length === 0) throw new ProblemError("conflict", "No enabled endpoint receives this event's type");
    }
    const queued = await queueSeries(c, { eventId: event.event_id, type: event.type }, targets, "redelivery", [], {
      action: "webhook_event.redeliver",
      resourceType: "webhook_event",
      resourceId: id,
    });
    return c.json(queued, 202);
  });
