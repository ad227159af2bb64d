// GET /v1/health (src/router/routes/health.ts): anyone hears the status alone; the operator
// (ADMIN_TOKEN) hears every database's and the object's details, raw errors included.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TENANT_OBJECT_MIGRATIONS } from "../objects/schema/tenant-migrations";
import { allShards } from "../src/core/placement/shards";
import { call, json } from "./support/http";
import { ADMIN, createTenant } from "./support/tenants";

interface Details {
  status: string;
  time: string;
  d1: { reachable: boolean; schema_version: string; migrations_applied: number; error?: string };
  shards: {
    name: string;
    region: string;
    reachable: boolean;
    schema_version: string | null;
    migrations_applied: number;
    error?: string;
  }[];
  tenant_object: { reachable: boolean; schema_version: number };
}

/** What a shard's D1 might say when it fails: internals no caller but the operator may read. */
const RAW_D1_ERROR = "D1_ERROR: no such table: d1_migrations: SQLITE_ERROR (shard internals 7f3a)";

afterEach(() => vi.restoreAllMocks());

describe("GET /v1/health", () => {
  it("answers anyone the status alone", async () => {
    const res = await call("/v1/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("answers the operator D1 reachable with the newest applied migration, every shard, and a TenantObject", async () => {
    const res = await call("/v1/health", { token: ADMIN });
    expect(res.status).toBe(200);
    const body = await json<Details>(res);
    expect(body.status).toBe("ok");
    // Every migration of migrations/global, the newest last; every shard has all of
    // migrations/tenant; the object has applied its own list to the end.
    const global = env.TEST_MIGRATIONS_GLOBAL;
    const tenant = env.TEST_MIGRATIONS_TENANT;
    expect(body.d1).toEqual({
      reachable: true,
      schema_version: global.at(-1)?.name,
      migrations_applied: global.length,
    });
    expect(body.shards).toEqual(
      allShards(env).map((shard) => ({
        name: shard.name,
        region: shard.region,
        reachable: true,
        schema_version: tenant.at(-1)?.name,
        migrations_applied: tenant.length,
      })),
    );
    expect(body.tenant_object).toEqual({
      reachable: true,
      schema_version: TENANT_OBJECT_MIGRATIONS.at(-1)?.version,
    });
  });

  it("refuses any other credential with a 401, and shows it nothing", async () => {
    const tenant = await createTenant();
    for (const token of [tenant.ownerKey, "not-the-operator-token"]) {
      const res = await call("/v1/health", { token });
      expect(res.status, token).toBe(401);
      expect(res.headers.get("Content-Type"), token).toContain("application/problem+json");
      expect(await res.text(), token).not.toContain("schema_version");
    }
  });

  it("never shows a raw D1 error to a caller without the operator's token", async () => {
    const shard = allShards(env)[0] as { name: string; db: D1Database };
    vi.spyOn(shard.db, "prepare").mockImplementation(() => {
      throw new Error(RAW_D1_ERROR);
    });

    const anyone = await call("/v1/health");
    expect(anyone.status).toBe(503);
    const text = await anyone.text();
    expect(JSON.parse(text)).toEqual({ status: "degraded" });
    expect(text).not.toContain("D1_ERROR");
    expect(text).not.toContain(shard.name);

    const operator = await call("/v1/health", { token: ADMIN });
    expect(operator.status).toBe(503);
    const details = await json<Details>(operator);
    expect(details.shards.find((s) => s.name === shard.name)).toMatchObject({ reachable: false, error: RAW_D1_ERROR });
  });

  it("carries a request id, and echoes a client's own", async () => {
    const generated = await call("/v1/health");
    expect(generated.headers.get("X-Request-Id")).toMatch(/^[\w-]{8,}$/);
    const echoed = await call("/v1/health", { headers: { "X-Request-Id": "client-trace-42" } });
    expect(echoed.headers.get("X-Request-Id")).toBe("client-trace-42");
  });
});
