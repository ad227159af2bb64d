// /sandbox/webhook-receiver/<name>: the development receiver of outgoing webhooks
// (src/core/webhooks/receiver.ts). Served only in development mode; in production (no
// switch, no WebhookReceiver binding) every path here is a 404, as if it did not exist.
// Not part of the product's API, so not in the OpenAPI document. Mounted before the
// sandbox platforms' /sandbox/:platform/*, which answers 404 for any other name.

import type { Context } from "hono";
import { sandboxEnabled } from "../../core/platforms/mode";
import { RECEIVER_NAME } from "../../core/webhooks/receiver";
import { type AppEnv, createRouter } from "../http/app-env";
import { notFound } from "../http/error-handler";

async function forward(c: Context<AppEnv>): Promise<Response> {
  const name = c.req.param("name") ?? "";
  const namespace = c.env.WebhookReceiver;
  if (!sandboxEnabled(c.env) || !namespace || !RECEIVER_NAME.test(name)) return notFound(c);
  const response = await namespace.getByName(name).fetch(c.req.raw);
  // A response from another object has immutable headers; the router's middleware adds some.
  return new Response(response.body, response);
}

export const webhookReceiverRoutes = createRouter()
  .all("/sandbox/webhook-receiver/:name", forward)
  .all("/sandbox/webhook-receiver/:name/*", forward);
