import { describe, expect, it } from "vitest";
import { call, json } from "./support/http";

describe("GET /v1/health", () => {
  it("reports D1 reachable with the newest applied migration and a TenantObject answering", async () => {
    const res = await call("/v1/health");
    expect(res.status).toBe(200);
    const body = await json<{
      status: string;
      d1: { reachable: boolean; schema_version: string; migrations_applied: number };
      tenant_object: { reachable: boolean; schema_version: number };
    }>(res);
    expect(body.status).toBe("ok");
    expect(body.d1.reachable).toBe(true);
    expect(body.d1.schema_version).toMatch(/^\d{4}_[a-z_]+\.sql$/);
    expect(body.d1.migrations_applied).toBeGreaterThanOrEqual(6);
    expect(body.tenant_object.reachable).toBe(true);
    expect(body.tenant_object.schema_version).toBeGreaterThanOrEqual(1);
  });

  it("carries a request id, and echoes a client's own", async () => {
    const generated = await call("/v1/health");
    expect(generated.headers.get("X-Request-Id")).toMatch(/^[\w-]{8,}$/);
    const echoed = await call("/v1/health", { headers: { "X-Request-Id": "client-trace-42" } });
    expect(echoed.headers.get("X-Request-Id")).toBe("client-trace-42");
  });
});
