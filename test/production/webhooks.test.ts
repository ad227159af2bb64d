// Outgoing webhooks as `wrangler deploy` configures the Worker (docs/webhooks.md): an
// endpoint's URL is https and public, with no exception for a local receiver, and the
// development receiver is neither bound nor reachable.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { createTenant } from "../support/tenants";

const productionTenant = () => createTenant({ region: "us-east" });

describe("webhook endpoints in production mode", () => {
  it("refuse private, loopback and link-local URLs and a local receiver, writing nothing; a public https URL is taken", async () => {
    const tenant = await productionTenant();
    for (const url of [
      "http://localhost:8787/sandbox/webhook-receiver/demo",
      "http://127.0.0.1:3000/hook",
      "https://127.0.0.1/hook",
      "https://localhost/hook",
      "https://10.1.2.3/hook",
      "https://192.168.0.10/hook",
      "https://169.254.169.254/latest/meta-data",
      "https://[::1]/hook",
      "https://[fe80::1]/hook",
      "https://0x7f000001/hook",
    ]) {
      const res = await call("/v1/webhook-endpoints", { token: tenant.ownerKey, body: { url, events: ["*"] } });
      expect(res.status, `${url}: ${await res.clone().text()}`).toBe(400);
      expect(
        (await json<{ errors: { field: string }[] }>(res)).errors.map((e) => e.field),
        url,
      ).toEqual(["url"]);
    }
    const count = async () =>
      (
        await (
          await tenantDb(tenant.tenantId)
        )
          .prepare("SELECT COUNT(*) AS n FROM webhook_endpoints WHERE tenant_id = ?")
          .bind(tenant.tenantId)
          .first<{ n: number }>()
      )?.n;
    expect(await count()).toBe(0);
    const ok = await call("/v1/webhook-endpoints", {
      token: tenant.ownerKey,
      body: { url: "https://hooks.example.com/dify", events: ["post.published"] },
    });
    expect(ok.status, await ok.clone().text()).toBe(201);
    expect(await count()).toBe(1);
  });

  it("have no development receiver", async () => {
    expect(env.WebhookReceiver).toBeUndefined();
    const res = await call("/sandbox/webhook-receiver/demo", { method: "POST", body: { hello: 1 } });
    expect(res.status).toBe(404);
  });
});
