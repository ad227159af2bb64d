// The OpenAPI document says which routes a subscription may stop with 402
// (src/router/http/payment-responses.ts): the writes the gate refuses for a canceled
// tenant, publishing and scheduling for a past_due one, never a read, never the writes
// a canceled tenant keeps, never the routes without a tenant (sign-in, the webhook, the
// operator's).
import { describe, expect, it } from "vitest";
import { call } from "../support/http";

type Operations = Record<string, Record<string, { responses: Record<string, unknown> }>>;

async function operations(): Promise<Map<string, Record<string, unknown>>> {
  const document = (await (await call("/openapi.json")).json()) as { paths: Operations };
  return new Map(
    Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => [`${method.toUpperCase()} ${path}`, operation.responses]),
    ),
  );
}

describe("402 in the OpenAPI document", () => {
  it("is documented on the writes a subscription stops and on nothing else", async () => {
    const all = await operations();
    const stopped = [
      "POST /v1/posts",
      "POST /v1/posts/{id}/release",
      "POST /v1/knowledge",
      "POST /v1/api-keys",
      "PATCH /v1/tenant",
      "DELETE /v1/posts/{id}",
    ];
    const kept = [
      "GET /v1/posts",
      "GET /v1/tenant",
      "POST /v1/auth/login",
      "POST /v1/auth/logout",
      "DELETE /v1/tenant",
      "POST /v1/tenant/exports",
      "POST /v1/billing/stripe/webhook",
      "PATCH /v1/admin/tenants/{id}",
    ];
    for (const name of [...stopped, ...kept]) expect(all.has(name), `${name} is in the document`).toBe(true);
    for (const name of stopped) expect(all.get(name)?.["402"], `${name} documents 402`).toBeDefined();
    for (const name of kept) expect(all.get(name)?.["402"], `${name} documents no 402`).toBeUndefined();
    const reads = [...all].filter(([name, responses]) => name.startsWith("GET ") && responses["402"]);
    expect(reads.map(([name]) => name)).toEqual([]);
  });
});
