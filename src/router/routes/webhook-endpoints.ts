// Outgoing webhook endpoints of the caller's tenant (docs/webhooks.md, "Endpoints"): list,
// create (the signing secret answered once), read, change, delete, and rotate the secret
// (the old one still signs for 24 hours). Owners and admins; an API key needs
// manage:webhooks. Every change tells the tenant's object, which keeps which endpoints
// want which events (objects/webhooks/webhook-outbox.ts).
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { isoNow } from "../../core/clock";
import { tenantCipher } from "../../core/crypto/tenant-cipher";
import { isTriggerAbort } from "../../core/db/errors";
import { newId } from "../../core/db/ids";
import { expectChanges } from "../../core/db/preconditions";
import { sandboxEnabled } from "../../core/platforms/mode";
import { endpointUrlProblem } from "../../core/webhooks/endpoint-url";
import {
  deleteEndpoint,
  type EndpointRow,
  encryptSecret,
  endpointLimit,
  getEndpoint,
  insertEndpoint,
  listEndpoints,
  MAX_ENDPOINTS,
  PRECONDITION_FAILED,
  PREVIOUS_SECRET_MS,
  rotateSecretStatement,
  toEndpoint,
  updateEndpoint,
} from "../../core/webhooks/endpoints-store";
import { newSecret } from "../../core/webhooks/signature";
import { guard } from "../auth/guard";
import { type AppEnv, createRouter } from "../http/app-env";
import { commitAudited } from "../http/audit";
import { idParam } from "../http/content-schemas";
import { decodeCursor, PageQuery, pageOf } from "../http/cursor";
import { pageSchema } from "../http/identity-schemas";
import { bearer, jsonBody, jsonResponse, problems } from "../http/openapi-parts";
import { ProblemError } from "../http/problem";
import { caller, callerObject } from "../http/request-context";
import { problemResponseSpec } from "../http/schemas";
import { CreateEndpoint, EndpointSchema, EndpointWithSecretSchema, PatchEndpoint } from "../http/webhook-schemas";
import { retryOnReset } from "../objects";

const TAG = ["Webhooks"];
const NOT_FOUND = "No such webhook endpoint";
const Params = z.object({ id: idParam("webhookEndpoint") });
const Cursor = z.object({ id: z.string() });

/** The endpoint of this tenant, or 404 (another tenant's answers as an unknown one does). */
export async function targetEndpoint(c: Context<AppEnv>, id: string): Promise<EndpointRow> {
  const row = await getEndpoint(caller(c).scope, id);
  if (!row) throw new ProblemError("notFound", NOT_FOUND);
  return row;
}

/** The URL's problem as a 400 naming the field, before anything is written. */
function checkUrl(c: Context<AppEnv>, url: string): void {
  const problem = endpointUrlProblem(url, sandboxEnabled(c.env));
  if (problem) {
    throw new ProblemError("validation", `body field "url": ${problem}`, {
      errors: [{ in: "body", field: "url", message: problem }],
    });
  }
}

/** The object reads the subscriptions again; if it cannot be told now, it does within a minute. */
async function tellObject(c: Context<AppEnv>): Promise<void> {
  try {
    await retryOnReset(await callerObject(c), "webhooksChanged");
  } catch (error) {
    console.error("webhooks: the tenant's object was not told of an endpoint change", error);
  }
}

const unique = (events: readonly string[]) => [...new Set(events)];

const guardOf = (action: string, idParam?: string) =>
  guard("webhooks.manage", { action, resource: "webhook_endpoint", ...(idParam ? { idParam } : {}) });

const listRoute = createRoute({
  method: "get",
  path: "/v1/webhook-endpoints",
  operationId: "list_webhook_endpoints",
  tags: TAG,
  summary: "Webhook endpoints of the tenant, oldest first",
  security: bearer,
  middleware: guardOf("webhook_endpoint.list"),
  request: { query: PageQuery },
  responses: {
    200: jsonResponse("A page of endpoints", pageSchema(EndpointSchema, "WebhookEndpointPage")),
    ...problems(),
  },
});

const createEndpointRoute = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints",
  operationId: "create_webhook_endpoint",
  tags: TAG,
  summary: "Create a webhook endpoint (its signing secret is shown once)",
  security: bearer,
  middleware: guardOf("webhook_endpoint.create"),
  request: jsonBody(CreateEndpoint),
  responses: {
    201: jsonResponse("Created; the secret is shown only here", EndpointWithSecretSchema),
    409: problemResponseSpec(`The tenant has ${MAX_ENDPOINTS} endpoints already`),
    ...problems(),
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/v1/webhook-endpoints/{id}",
  operationId: "get_webhook_endpoint",
  tags: TAG,
  summary: "One webhook endpoint",
  security: bearer,
  middleware: guardOf("webhook_endpoint.read", "id"),
  request: { params: Params },
  responses: { 200: jsonResponse("The endpoint", EndpointSchema), ...problems(NOT_FOUND) },
});

const patchRoute = createRoute({
  method: "patch",
  path: "/v1/webhook-endpoints/{id}",
  operationId: "update_webhook_endpoint",
  tags: TAG,
  summary: "Change, disable or enable a webhook endpoint",
  security: bearer,
  middleware: guardOf("webhook_endpoint.update", "id"),
  request: { params: Params, ...jsonBody(PatchEndpoint) },
  responses: { 200: jsonResponse("Updated", EndpointSchema), ...problems(NOT_FOUND) },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/v1/webhook-endpoints/{id}",
  operationId: "delete_webhook_endpoint",
  tags: TAG,
  summary: "Delete a webhook endpoint and its delivery log",
  security: bearer,
  middleware: guardOf("webhook_endpoint.delete", "id"),
  request: { params: Params },
  responses: { 204: { description: "Deleted" }, ...problems(NOT_FOUND) },
});

const rotateRoute = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints/{id}/rotate-secret",
  operationId: "rotate_webhook_secret",
  tags: TAG,
  summary: "A new signing secret (shown once); the old one still signs for 24 hours",
  security: bearer,
  middleware: guardOf("webhook_endpoint.rotate_secret", "id"),
  request: { params: Params },
  responses: {
    200: jsonResponse("Rotated; the new secret is shown only here", EndpointWithSecretSchema),
    409: problemResponseSpec("Rotated by another request meanwhile"),
    ...problems(NOT_FOUND),
  },
});

export const webhookEndpointsRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const query = c.req.valid("query");
    const page = await listEndpoints(caller(c).scope, {
      afterId: decodeCursor(query.cursor, Cursor)?.id,
      limit: query.limit,
    });
    return c.json(
      pageOf(page.rows.map(toEndpoint), page.hasMore, (last) => ({ id: last.id })),
      200,
    );
  })
  .openapi(createEndpointRoute, async (c) => {
    const { user, scope } = caller(c);
    const body = c.req.valid("json");
    checkUrl(c, body.url);
    const endpointId = newId("webhookEndpoint", c.var.clock());
    const secret = newSecret();
    const cipher = tenantCipher(c.env, user.tenantId, user.tenantKey);
    const events = unique(body.events);
    try {
      await commitAudited(
        c,
        scope.db,
        [
          insertEndpoint(scope, {
            endpointId,
            url: body.url,
            description: body.description,
            events,
            enabled: body.enabled,
            secretEncrypted: await encryptSecret(cipher, endpointId, secret),
            createdBy: user.userId,
            now: isoNow(c.var.clock),
          }),
          endpointLimit(scope),
        ],
        {
          action: "webhook_endpoint.create",
          resourceType: "webhook_endpoint",
          resourceId: endpointId,
          metadata: { url: body.url, events, enabled: body.enabled },
        },
      );
    } catch (error) {
      if (isTriggerAbort(error, PRECONDITION_FAILED)) {
        throw new ProblemError("conflict", `A tenant has at most ${MAX_ENDPOINTS} webhook endpoints; delete one first`);
      }
      throw error;
    }
    await tellObject(c);
    return c.json({ ...toEndpoint(await targetEndpoint(c, endpointId)), secret }, 201);
  })
  .openapi(getRoute, async (c) => c.json(toEndpoint(await targetEndpoint(c, c.req.valid("param").id)), 200))
  .openapi(patchRoute, async (c) => {
    const { scope } = caller(c);
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    if (body.url !== undefined) checkUrl(c, body.url);
    await targetEndpoint(c, id);
    const events = body.events ? unique(body.events) : undefined;
    await commitAudited(
      c,
      scope.db,
      [updateEndpoint(scope, id, { ...body, events }, isoNow(c.var.clock)), expectChanges(scope.db, 1)],
      {
        action: "webhook_endpoint.update",
        resourceType: "webhook_endpoint",
        resourceId: id,
        metadata: { fields: Object.keys(body), url: body.url, events, enabled: body.enabled },
      },
    ).catch((error) => {
      // Deleted meanwhile.
      if (isTriggerAbort(error, PRECONDITION_FAILED)) throw new ProblemError("notFound", NOT_FOUND);
      throw error;
    });
    await tellObject(c);
    return c.json(toEndpoint(await targetEndpoint(c, id)), 200);
  })
  .openapi(deleteRoute, async (c) => {
    const { scope } = caller(c);
    const { id } = c.req.valid("param");
    const row = await targetEndpoint(c, id);
    await commitAudited(c, scope.db, [deleteEndpoint(scope, id)], {
      action: "webhook_endpoint.delete",
      resourceType: "webhook_endpoint",
      resourceId: id,
      metadata: { url: row.url },
    });
    await tellObject(c);
    return c.body(null, 204);
  })
  .openapi(rotateRoute, async (c) => {
    const { user, scope } = caller(c);
    const { id } = c.req.valid("param");
    const row = await targetEndpoint(c, id);
    const nowMs = c.var.clock();
    const secret = newSecret();
    const previousUntil = new Date(nowMs + PREVIOUS_SECRET_MS).toISOString();
    const cipher = tenantCipher(c.env, user.tenantId, user.tenantKey);
    const rotate = await rotateSecretStatement(scope, cipher, row, secret, previousUntil, isoNow(c.var.clock));
    try {
      await commitAudited(c, scope.db, [rotate, expectChanges(scope.db, 1)], {
        action: "webhook_endpoint.rotate_secret",
        resourceType: "webhook_endpoint",
        resourceId: id,
        metadata: { previous_secret_expires_at: previousUntil },
      });
    } catch (error) {
      if (isTriggerAbort(error, PRECONDITION_FAILED)) {
        throw new ProblemError("conflict", "The secret was rotated or the endpoint deleted meanwhile; read it again");
      }
      throw error;
    }
    return c.json({ ...toEndpoint(await targetEndpoint(c, id)), secret }, 200);
  });
