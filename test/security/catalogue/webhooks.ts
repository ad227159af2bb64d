// The outgoing webhooks' routes (docs/webhooks.md), with who may call them: owners and
// admins, and API keys with manage:webhooks. The world's own endpoint receives only
// webhook.test events, so nothing the matrix publishes queues a delivery behind its back.
import { expect } from "vitest";
import { call, json } from "../../support/http";
import type { TestTenant } from "../../support/tenants";
import type { RouteCase } from "../route-case";
import type { World } from "../world";
import { ADMINS } from "./identity";

const ENDPOINT = { url: "https://hooks.example.com/dify", events: ["webhook.test"] };
const SCOPE = "manage:webhooks";

async function made<T>(token: string, path: string, body: unknown): Promise<T> {
  const res = await call(path, { token, body, method: "POST" });
  expect(res.status, `${path}: ${await res.clone().text()}`).toBeLessThan(300);
  return json<T>(res);
}

const newEndpoint = async (token: string) => (await made<{ id: string }>(token, "/v1/webhook-endpoints", ENDPOINT)).id;

/** One endpoint and one event per tenant, made on first use. */
const endpoints = new Map<string, Promise<string>>();
const events = new Map<string, Promise<string>>();
function endpointOf(tenant: TestTenant, token: string): Promise<string> {
  let made = endpoints.get(tenant.tenantId);
  if (!made) {
    made = newEndpoint(token);
    endpoints.set(tenant.tenantId, made);
  }
  return made;
}
function eventOf(tenant: TestTenant, token: string): Promise<string> {
  let event = events.get(tenant.tenantId);
  if (!event) {
    event = (async () => {
      const id = await endpointOf(tenant, token);
      return (await made<{ event_id: string }>(token, `/v1/webhook-endpoints/${id}/test`, {})).event_id;
    })();
    events.set(tenant.tenantId, event);
  }
  return event;
}

const own = (world: World) => endpointOf(world.tenant, world.actors.owner.session);
const foreign = (world: World) => endpointOf(world.other, world.other.ownerKey);
const ownEvent = (world: World) => eventOf(world.tenant, world.actors.owner.session);
const foreignEvent = (world: World) => eventOf(world.other, world.other.ownerKey);

const item = (suffix = "") => ({
  path: async (world: World) => `/v1/webhook-endpoints/${await own(world)}${suffix}`,
  foreign: async (world: World) => `/v1/webhook-endpoints/${await foreign(world)}${suffix}`,
  invalid: { path: () => `/v1/webhook-endpoints/whe_lowercase${suffix}`, field: "id" },
});

export const WEBHOOK_ROUTES: RouteCase[] = [
  {
    name: "GET /v1/webhook-endpoints",
    method: "GET",
    path: () => "/v1/webhook-endpoints",
    roles: ADMINS,
    scope: SCOPE,
    mutation: false,
    ok: 200,
    invalid: { path: () => "/v1/webhook-endpoints?limit=0", field: "limit" },
  },
  // A fresh tenant for each allowed call: a tenant has at most 16 endpoints.
  {
    name: "POST /v1/webhook-endpoints",
    method: "POST",
    path: () => "/v1/webhook-endpoints",
    body: ENDPOINT,
    roles: ADMINS,
    scope: SCOPE,
    mutation: true,
    ok: 201,
    destructive: true,
    invalid: { body: { ...ENDPOINT, url: "https://10.0.0.1/hook" }, field: "url" },
  },
  {
    name: "GET /v1/webhook-endpoints/{id}",
    method: "GET",
    ...item(),
    roles: ADMINS,
    scope: SCOPE,
    mutation: false,
    ok: 200,
  },
  {
    name: "PATCH /v1/webhook-endpoints/{id}",
    method: "PATCH",
    ...item(),
    body: { description: "Order system" },
    roles: ADMINS,
    scope: SCOPE,
    mutation: true,
    ok: 200,
    invalid: { body: { events: ["post.exploded"] }, field: "events.0" },
  },
  {
    name: "DELETE /v1/webhook-endpoints/{id}",
    method: "DELETE",
    ...item(),
    path: async (world: World) => `/v1/webhook-endpoints/${await newEndpoint(world.actors.owner.session)}`,
    roles: ADMINS,
    scope: SCOPE,
    mutation: true,
    ok: 204,
  },
  {
    name: "POST /v1/webhook-endpoints/{id}/rotate-secret",
    method: "POST",
    ...item("/rotate-secret"),
    roles: ADMINS,
    scope: SCOPE,
    mutation: true,
    ok: 200,
  },
  {
    name: "GET /v1/webhook-endpoints/{id}/deliveries",
    method: "GET",
    ...item("/deliveries"),
    roles: ADMINS,
    scope: SCOPE,
    mutation: false,
    ok: 200,
  },
  {
    name: "POST /v1/webhook-endpoints/{id}/test",
    method: "POST",
    ...item("/test"),
    roles: ADMINS,
    scope: SCOPE,
    mutation: true,
    ok: 202,
  },
  {
    name: "POST /v1/webhook-events/{id}/redeliver",
    method: "POST",
    path: async (world: World) => `/v1/webhook-events/${await ownEvent(world)}/redeliver`,
    body: {},
    roles: ADMINS,
    scope: SCOPE,
    mutation: true,
    ok: 202,
    invalid: { body: { endpoint_id: "nope" }, field: "endpoint_id" },
    foreign: async (world: World) => `/v1/webhook-events/${await foreignEvent(world)}/redeliver`,
  },
];
