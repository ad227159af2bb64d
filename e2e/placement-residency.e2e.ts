// Data placement, read from the database files themselves: tenants created through the
// API in eu-west, us-east and ap-southeast, each with users, keys, a template and a
// published post, have every tenant-owned row in their own region's shard, three
// different D1 databases; the global database holds the directory only; a member's
// e-mail is stored in their tenant's database and nowhere else.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, createApiClient, ok } from "../client/index.ts";
import { connectSandboxAccount } from "../client/sandbox-browser.ts";
import { createKey, createTenant } from "../client/tenants.ts";
import { TENANT_TABLES } from "../src/core/placement/move/tenant-tables.ts";
import { TEST_SECRETS } from "../test/support/test-secrets.ts";
import { type PersistedWorker, startPersistedWorker } from "./support/persisted-worker.ts";

const REGIONS = ["eu-west", "us-east", "ap-southeast"] as const;

interface Made {
  tenantId: string;
  region: string;
  memberEmail: string;
}

const dir = mkdtempSync(join(tmpdir(), "dify-placement-"));
let worker: PersistedWorker;
const made: Made[] = [];

beforeAll(async () => {
  worker = await startPersistedWorker(dir);
  const api = createApiClient(worker.origin);
  for (const region of REGIONS) {
    const tenant = await createTenant(api, TEST_SECRETS.ADMIN_TOKEN, {
      name: `Placed in ${region}`,
      region,
      settings: { rate_limits: { linkedin: { limit: 1000 } } },
    });
    const session = await tenant.ownerSession();
    const memberEmail = `member-${region}-${crypto.randomUUID()}@example.com`;
    await ok(
      api.POST("/v1/users", {
        ...bearer(tenant.ownerKey),
        body: { email: memberEmail, password: `pw-${crypto.randomUUID()}`, role: "member" },
      }),
    );
    const key = await createKey(api, session, ["publish", "read:posts", "write:content", "read:content"], 5000);
    await ok(
      api.POST("/v1/templates", {
        ...bearer(key),
        body: { name: "Launch", template_type: "social_post", platform: "linkedin", structure: { layout: "hero" } },
      }),
    );
    const hint = `u-${region}-${crypto.randomUUID().slice(0, 8)}`;
    const account = await connectSandboxAccount(api, worker.origin, tenant.ownerKey, "linkedin", hint);
    const post = { account_id: account.id, text: `Hello from ${region}` };
    await ok(api.POST("/v1/posts", { ...bearer(key), body: post }));
    // A read of posts waits for the post's rows to reach D1 (the object's outbox).
    await ok(api.GET("/v1/posts", bearer(key)));
    made.push({ tenantId: tenant.tenantId, region, memberEmail });
  }
  await worker.close();
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function open(path: string): DatabaseSync {
  return new DatabaseSync(path, { readOnly: true });
}

function tables(db: DatabaseSync): Set<string> {
  return new Set(
    (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name),
  );
}

function count(db: DatabaseSync, table: (typeof TENANT_TABLES)[number], tenantId: string): number {
  return Number(
    (db.prepare(`SELECT COUNT(*) AS n FROM "${table.name}" WHERE ${table.where}`).get(tenantId) as { n: number }).n,
  );
}

describe("data placement on disk", () => {
  it("keeps the directory in the global database and nothing tenant-owned", () => {
    const globals = worker.d1Files().filter((file) => tables(open(file)).has("tenants"));
    expect(globals).toHaveLength(1);
    const global = open(globals[0] as string);
    for (const table of TENANT_TABLES) expect(tables(global).has(table.name), table.name).toBe(false);
    for (const tenant of made) {
      const row = global.prepare("SELECT region, shard FROM tenants WHERE tenant_id = ?").get(tenant.tenantId) as {
        region: string;
        shard: string;
      };
      expect(row.region).toBe(tenant.region);
      expect(row.shard).toMatch(new RegExp(`^SHARD_${tenant.region.toUpperCase().replace("-", "_")}_\\d+$`));
    }
  });

  it("has every tenant-owned row of each tenant in exactly one shard, three different ones", () => {
    const shards = worker.d1Files().filter((file) => tables(open(file)).has("tenant_residency"));
    const homes = new Set<string>();
    for (const tenant of made) {
      const holding = shards.filter((file) => {
        const db = open(file);
        return TENANT_TABLES.some((table) => count(db, table, tenant.tenantId) > 0);
      });
      expect(holding, tenant.region).toHaveLength(1);
      const home = open(holding[0] as string);
      const rows = Object.fromEntries(TENANT_TABLES.map((table) => [table.name, count(home, table, tenant.tenantId)]));
      expect(rows).toMatchObject({ content_templates: 1, published_posts: 1, publish_requests: 1, social_accounts: 1 });
      expect(rows.users).toBe(2);
      expect(rows.api_keys).toBeGreaterThanOrEqual(2);
      expect(rows.audit_logs).toBeGreaterThan(0);
      homes.add(holding[0] as string);
    }
    expect(homes.size).toBe(3);
  });

  it("stores a member's e-mail only in their tenant's database", () => {
    const files = worker.d1Files();
    for (const tenant of made) {
      const holders = files.filter((file) =>
        [file, `${file}-wal`].some((path) => {
          try {
            return readFileSync(path).includes(Buffer.from(tenant.memberEmail));
          } catch {
            return false;
          }
        }),
      );
      expect(holders, tenant.memberEmail).toHaveLength(1);
      expect(
        count(open(holders[0] as string), TENANT_TABLES[0] as (typeof TENANT_TABLES)[number], tenant.tenantId),
      ).toBe(2);
    }
  });
});
