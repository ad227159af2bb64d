// Changes that span the directory and a shard have an order and a repair path: a
// failed tenant creation is undone at once, and what a failure leaves behind is
// repaired by the daily cron (src/core/placement/repair.ts).
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { repairPlacement } from "../../src/core/placement/repair";
import { shardNamed } from "../../src/core/placement/shards";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { ADMIN, createTenant, login, PASSWORD } from "../support/tenants";

const HOUR_MS = 3_600_000;

async function directoryRows(tenantId: string) {
  return {
    tenants: await env.DB.prepare("SELECT COUNT(*) AS n FROM tenants WHERE tenant_id = ?").bind(tenantId).first("n"),
    prefixes: await env.DB.prepare("SELECT COUNT(*) AS n FROM key_prefixes WHERE tenant_id = ?")
      .bind(tenantId)
      .first("n"),
  };
}

describe("the placement repair", () => {
  it("undoes the directory rows of a tenant whose shard refused its first rows", async () => {
    // Every shard of us-east refuses the next batch: the creation's second step.
    const shard = shardNamed(env, "SHARD_US_EAST_1");
    const spy = vi.spyOn(shard.db, "batch").mockRejectedValueOnce(new Error("D1 is unavailable"));
    const res = await call("/v1/tenants", {
      token: ADMIN,
      body: {
        name: "Half Made Ltd",
        region: "us-east",
        owner: { email: `h-${crypto.randomUUID()}@example.com`, password: PASSWORD },
      },
    });
    spy.mockRestore();
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).not.toBeNull();
    const { results } = await env.DB.prepare("SELECT tenant_id FROM tenants WHERE name = 'Half Made Ltd'").all();
    expect(results).toEqual([]);
  });

  it("deletes directory rows whose shard never took the tenant, and key prefixes whose key never arrived", async () => {
    // What other tests left for the repair is repaired first: the report below is this test's alone.
    await repairPlacement(env);
    const kept = await createTenant({ region: "ap-southeast" });
    const orphan = `ten_${crypto
      .randomUUID()
      .replaceAll("-", "")
      .slice(0, 26)
      .toUpperCase()
      .replace(/[ILOU]/g, "A")}`;
    const hourAgo = new Date(Date.now() - HOUR_MS).toISOString();
    const twoHoursAgo = new Date(Date.now() - 2 * HOUR_MS).toISOString();
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO tenants (tenant_id, name, region, kms_key_id, shard, created_at, updated_at) VALUES (?, 'Orphan', 'ap-southeast', ?, 'SHARD_AP_SOUTHEAST_1', ?, ?)",
      ).bind(orphan, `kms_${orphan}`, hourAgo, hourAgo),
      env.DB.prepare("INSERT INTO key_prefixes (key_prefix, tenant_id, created_at) VALUES (?, ?, ?)").bind(
        `dify_orph${crypto.randomUUID().slice(0, 6)}`,
        orphan,
        hourAgo,
      ),
      // A prefix of a real tenant whose key row never reached the shard.
      env.DB.prepare("INSERT INTO key_prefixes (key_prefix, tenant_id, created_at) VALUES (?, ?, ?)").bind(
        `dify_lost${crypto.randomUUID().slice(0, 6)}`,
        kept.tenantId,
        twoHoursAgo,
      ),
    ]);
    const report = await repairPlacement(env);
    expect(report.orphanTenants).toEqual([orphan]);
    // The lost key's prefix; the orphan tenant's went with its directory row.
    expect(report.orphanKeyPrefixes).toBe(1);
    expect(await directoryRows(orphan)).toEqual({ tenants: 0, prefixes: 0 });
    // The real tenant, and its real key, are untouched.
    expect(await directoryRows(kept.tenantId)).toEqual({ tenants: 1, prefixes: 1 });
    expect((await call("/v1/me", { token: kept.ownerKey })).status).toBe(200);
    expect(report.orphanTenants).not.toContain(kept.tenantId);
  });

  it("revokes the keys of a deleted tenant that its shard kept active", async () => {
    await repairPlacement(env);
    const tenant = await createTenant({ region: "us-east" });
    const session = await login(tenant.tenantId, tenant.ownerEmail);
    expect((await call("/v1/tenant", { method: "DELETE", token: session })).status).toBe(200);
    // Deleted and in its 30-day grace, not erased yet: its keys are the repair's to revoke.
    const erasure = env.DB.prepare("SELECT state FROM tenant_erasures WHERE tenant_id = ?").bind(tenant.tenantId);
    expect(await erasure.first("state")).toBe("grace");
    // As if the shard had refused the revocation after the directory said "deleted".
    const db = await tenantDb(tenant.tenantId);
    await db.prepare("UPDATE api_keys SET status = 'active' WHERE tenant_id = ?").bind(tenant.tenantId).run();
    expect((await call("/v1/me", { token: tenant.ownerKey })).status).toBe(401);
    const report = await repairPlacement(env);
    // The owner's key, the one key the tenant had.
    expect(report.keysRevoked).toBe(1);
    const active = await db
      .prepare("SELECT COUNT(*) AS n FROM api_keys WHERE tenant_id = ? AND status = 'active'")
      .bind(tenant.tenantId)
      .first("n");
    expect(active).toBe(0);
    const listed = await json<{ status: string }>(await call("/v1/health"));
    expect(listed.status).toBe("ok");
  });
});
