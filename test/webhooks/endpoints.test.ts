// Webhook endpoints through the API, and what reaches them (docs/webhooks.md): which URLs
// are refused, bad input answered 400 with nothing written, one tenant's events never at
// another's endpoint, another tenant's endpoint and event a 404, a post's events in order.
import { describe, expect, it } from "vitest";
import { endpointUrlProblem, isPrivateV4, isPrivateV6 } from "../../src/core/webhooks/endpoint-url";
import { connectAccount, publishBody } from "../support/accounts";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { createTenant } from "../support/tenants";
import { consume, createEndpoint, deliverAll, drainWebhooks, pendingMessages, received, receiverName } from "./support";

const REFUSED_EVERYWHERE = [
  "http://example.com/hook",
  "ftp://example.com/hook",
  "https://10.0.0.5/hook",
  "https://172.16.3.4/hook",
  "https://192.168.1.1/hook",
  "https://127.0.0.1/hook",
  "https://169.254.169.254/latest/meta-data",
  "https://100.64.0.1/hook",
  "https://0.0.0.0/hook",
  // Other spellings of loopback the URL parser turns into 127.0.0.1.
  "https://2130706433/hook",
  "https://0x7f.1/hook",
  "https://127.1/hook",
  "https://[::1]/hook",
  "https://[fe80::1]/hook",
  "https://[fd00::1]/hook",
  "https://[::ffff:10.0.0.1]/hook",
  "https://[::ffff:127.0.0.1]/hook",
  "https://localhost/hook",
  "https://api.localhost/hook",
  "https://printer.local/hook",
  "https://metadata.google.internal/computeMetadata",
  "https://intranet/hook",
  "https://user:pass@example.com/hook",
  "not a url",
];
const DEVELOPMENT_ONLY = ["http://localhost:8787/sandbox/webhook-receiver/x", "http://127.0.0.1:3000/hook"];
const ALLOWED = ["https://hooks.example.com/dify", "https://93.184.216.34/hook", "https://[2606:4700::1111]/hook"];

describe("endpoint URLs", () => {
  it("refuses private, loopback, link-local and local names in either mode; allows a local receiver in development only", () => {
    for (const url of REFUSED_EVERYWHERE) {
      expect(endpointUrlProblem(url, false), `${url} (production)`).not.toBeNull();
      expect(endpointUrlProblem(url, true), `${url} (development)`).not.toBeNull();
    }
    for (const url of DEVELOPMENT_ONLY) {
      expect(endpointUrlProblem(url, false), `${url} (production)`).not.toBeNull();
      expect(endpointUrlProblem(url, true), `${url} (development)`).toBeNull();
    }
    for (const url of ALLOWED) expect(endpointUrlProblem(url, false), url).toBeNull();
  });

  it("judges addresses by their numbers", () => {
    expect(isPrivateV4("172.31.255.255")).toBe(true);
    expect(isPrivateV4("172.32.0.1")).toBe(false);
    expect(isPrivateV4("8.8.8.8")).toBe(false);
    expect(isPrivateV4("255.255.255.255")).toBe(true);
    expect(isPrivateV6("2001:db8::1"), "documentation").toBe(true);
    expect(isPrivateV6("64:ff9b::10.0.0.1"), "NAT64 of a private address").toBe(true);
    expect(isPrivateV6("64:ff9b::8.8.8.8"), "NAT64 of a public one").toBe(false);
    expect(isPrivateV6("2a00:1450::1")).toBe(false);
  });
});

async function endpointCount(tenantId: string): Promise<number> {
  const row = await (await tenantDb(tenantId))
    .prepare("SELECT COUNT(*) AS n FROM webhook_endpoints WHERE tenant_id = ?")
    .bind(tenantId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("bad input", () => {
  it("is a 400 naming the field, and writes nothing", async () => {
    const tenant = await createTenant();
    const cases: [unknown, string][] = [
      [{ url: "https://10.0.0.5/hook", events: ["*"] }, "url"],
      [{ url: "http://example.com/hook", events: ["*"] }, "url"],
      [{ url: "https://hooks.example.com/x", events: ["post.exploded"] }, "events.0"],
      [{ url: "https://hooks.example.com/x", events: [] }, "events"],
      [{ url: "https://hooks.example.com/x" }, "events"],
      [{ url: "https://hooks.example.com/x", events: ["*"], secret: "mine" }, "secret"],
      [{ url: "https://hooks.example.com/x", events: ["*"], enabled: "yes" }, "enabled"],
    ];
    for (const [body, field] of cases) {
      const res = await call("/v1/webhook-endpoints", { token: tenant.ownerKey, body });
      expect(res.status, `${JSON.stringify(body)}: ${await res.clone().text()}`).toBe(400);
      const problem = await json<{ errors?: { field: string }[] }>(res);
      expect(
        problem.errors?.map((e) => e.field),
        JSON.stringify(body),
      ).toContain(field);
    }
    expect(await endpointCount(tenant.tenantId)).toBe(0);

    const { id } = await createEndpoint(tenant.ownerKey, receiverName());
    for (const [body, field] of [
      [{}, ""],
      [{ url: "https://[::1]/x" }, "url"],
    ] as const) {
      const res = await call(`/v1/webhook-endpoints/${id}`, { token: tenant.ownerKey, method: "PATCH", body });
      expect(res.status, `${JSON.stringify(body)}: ${await res.clone().text()}`).toBe(400);
      expect((await json<{ errors?: { field: string }[] }>(res)).errors?.map((e) => e.field)).toContain(field);
    }
    const bad = await call("/v1/webhook-endpoints/whe_lowercase/deliveries", { token: tenant.ownerKey });
    expect(bad.status).toBe(400);
  });
});

describe("tenants", () => {
  it("never see each other's events, endpoints or log", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const [nameA, nameB] = [receiverName("a"), receiverName("b")];
    const endpointA = await createEndpoint(a.ownerKey, nameA);
    const endpointB = await createEndpoint(b.ownerKey, nameB);
    const account = await connectAccount(a.ownerKey, "linkedin");
    const published = await call("/v1/posts", { token: a.ownerKey, body: publishBody(account) });
    expect(published.status).toBe(201);
    const postId = (await json<{ id: string }>(published)).id;

    await drainWebhooks(a.tenantId);
    await drainWebhooks(b.tenantId);
    await consume([...(await pendingMessages(a.tenantId)), ...(await pendingMessages(b.tenantId))]);
    const atA = await received(nameA);
    expect(atA.map((r) => r.type)).toContain("post.published");
    expect(
      atA.every((r) => !r.body.includes(b.tenantId)),
      "nothing of B at A",
    ).toBe(true);
    expect(await received(nameB), "B's endpoint got nothing").toEqual([]);
    const event = JSON.parse(atA.find((r) => r.type === "post.published")?.body as string) as { id: string };
    expect(JSON.parse(atA[atA.length - 1]?.body as string).data.post.id).toBe(postId);

    // A message naming B's endpoint with A's event (forged, or misrouted) delivers nothing.
    const forged = await consume([{ body: { tenantId: b.tenantId, endpointId: endpointB.id, eventId: event.id } }]);
    expect(forged.result.explicitAcks).toHaveLength(1);
    expect(await received(nameB)).toEqual([]);

    // Another tenant's endpoint and event answer 404, as unknown ones do.
    for (const [method, path, body] of [
      ["GET", `/v1/webhook-endpoints/${endpointA.id}`],
      ["PATCH", `/v1/webhook-endpoints/${endpointA.id}`, { enabled: false }],
      ["DELETE", `/v1/webhook-endpoints/${endpointA.id}`],
      ["GET", `/v1/webhook-endpoints/${endpointA.id}/deliveries`],
      ["POST", `/v1/webhook-endpoints/${endpointA.id}/test`],
      ["POST", `/v1/webhook-endpoints/${endpointA.id}/rotate-secret`],
      ["POST", `/v1/webhook-events/${event.id}/redeliver`, {}],
      ["POST", `/v1/webhook-events/${event.id}/redeliver`, { endpoint_id: endpointB.id }],
    ] as const) {
      const res = await call(path, { token: b.ownerKey, method, ...(body ? { body } : {}) });
      expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBe(404);
    }
    const list = await json<{ data: { id: string }[] }>(await call("/v1/webhook-endpoints", { token: b.ownerKey }));
    expect(list.data.map((e) => e.id)).toEqual([endpointB.id]);
  });
});

describe("a scheduled post's events", () => {
  it("carry the post's own sequence: scheduled 1, cancelled 2", async () => {
    const tenant = await createTenant();
    const name = receiverName("seq");
    await createEndpoint(tenant.ownerKey, name, { events: ["post.scheduled", "post.cancelled"] });
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    const scheduledAt = new Date(Date.now() + 3_600_000).toISOString();
    const res = await call("/v1/posts", {
      token: tenant.ownerKey,
      body: publishBody(account, { scheduled_at: scheduledAt }),
    });
    expect(res.status, await res.clone().text()).toBe(202);
    const { id } = await json<{ id: string }>(res);
    const cancelled = await call(`/v1/posts/${id}`, { token: tenant.ownerKey, method: "DELETE" });
    expect(cancelled.status, await cancelled.clone().text()).toBe(200);
    await deliverAll(tenant.tenantId);
    const events = (await received(name)).map(
      (r) => JSON.parse(r.body) as { type: string; data: { sequence: number; post: { id: string; status: string } } },
    );
    expect(events.map((e) => [e.type, e.data.sequence, e.data.post.id, e.data.post.status])).toEqual([
      ["post.scheduled", 1, id, "scheduled"],
      ["post.cancelled", 2, id, "cancelled"],
    ]);
  });

  it("are not even written while no endpoint wants them", async () => {
    const tenant = await createTenant();
    const name = receiverName("none");
    await createEndpoint(tenant.ownerKey, name, { events: ["webhook.test"] });
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account) });
    await drainWebhooks(tenant.tenantId);
    expect(await pendingMessages(tenant.tenantId)).toEqual([]);
    const rows = await (await tenantDb(tenant.tenantId))
      .prepare("SELECT COUNT(*) AS n FROM webhook_events WHERE tenant_id = ?")
      .bind(tenant.tenantId)
      .first<{ n: number }>();
    expect(rows?.n).toBe(0);
  });
});
