// The database itself refuses bad rows: unknown enumerations, malformed JSON, orphans,
// references into another tenant, and duplicates the seed promises cannot exist. Each
// row is tried in the database that holds its table: the global one for tenants and
// the skill registry, the tenant's shard for the tenant's rows.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { allShards } from "../../src/core/placement/shards";
import { tenantDb } from "../support/databases";
import {
  insertAccount,
  insertPost,
  insertRow,
  insertSkill,
  insertSkillVersion,
  insertTenant,
  insertUser,
  uniqueId,
} from "../support/rows";

async function count(db: D1Database, table: string): Promise<number> {
  const row = await db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>();
  return row?.n ?? 0;
}

/** The insert fails with `pattern` and leaves the table of `db` as it was. */
async function expectRefused(
  db: D1Database,
  table: string,
  insert: () => Promise<unknown>,
  pattern: RegExp,
): Promise<void> {
  const before = await count(db, table);
  await expect(insert()).rejects.toThrow(pattern);
  expect(await count(db, table)).toBe(before);
}

describe("enumerated columns", () => {
  it("refuses an unknown role", async () => {
    const tenant = await insertTenant();
    const db = await tenantDb(tenant);
    await expectRefused(db, "users", () => insertUser(tenant, { role: "superuser" }), /CHECK constraint failed/);
  });

  it.each([
    ["tenants", { region: "mars-north" }],
    ["tenants", { tier: "platinum" }],
    ["tenants", { status: "archived" }],
    ["tenants", { subscription_status: "trialing" }],
  ])("refuses a tenant with %s %o", async (table, overrides) => {
    await expectRefused(env.DB, table, () => insertTenant(overrides), /CHECK constraint failed/);
  });

  it("refuses an unknown platform, account status or post status", async () => {
    const tenant = await insertTenant();
    const db = await tenantDb(tenant);
    await expectRefused(db, "social_accounts", () => insertAccount(tenant, { platform: "myspace" }), /CHECK/);
    await expectRefused(db, "social_accounts", () => insertAccount(tenant, { status: "sleeping" }), /CHECK/);
    const account = await insertAccount(tenant);
    await expectRefused(db, "published_posts", () => insertPost(tenant, account, { status: "queued" }), /CHECK/);
  });

  it.each([
    ["held without its reason", { status: "held" }],
    ["a reason on a post that is not held", { status: "scheduled", held_reason: "tenant_suspended" }],
    ["an unknown reason", { status: "held", held_reason: "tenant_bored" }],
    ["held without its time", { status: "held", held_reason: "author_removed", scheduled_at: null }],
  ])("refuses a publish request %s (migration 0017)", async (_label, overrides) => {
    const tenant = await insertTenant();
    const db = await tenantDb(tenant);
    const account = await insertAccount(tenant);
    const request = (extra: Record<string, unknown>) =>
      insertRow(db, "publish_requests", {
        request_id: uniqueId("post"),
        tenant_id: tenant,
        account_id: account,
        platform: "linkedin",
        text: "Rebar delivered next day",
        scheduled_at: "2030-01-01T09:00:00.000Z",
        created_at: "2030-01-01T08:00:00.000Z",
        updated_at: "2030-01-01T08:00:00.000Z",
        ...extra,
      });
    await expectRefused(db, "publish_requests", () => request(overrides), /CHECK/);
    // The same row held with its reason is taken.
    await expect(request({ status: "held", held_reason: "tenant_suspended" })).resolves.toBeUndefined();
  });

  it.each(["subscription_canceled", "subscription_past_due"])(
    "holds a publish request with the subscription's reason %s (migration 0020), and keeps refusing an unknown one",
    async (reason) => {
      const tenant = await insertTenant();
      const db = await tenantDb(tenant);
      const account = await insertAccount(tenant);
      const held = (heldReason: string) =>
        insertRow(db, "publish_requests", {
          request_id: uniqueId("post"),
          tenant_id: tenant,
          account_id: account,
          platform: "linkedin",
          status: "held",
          held_reason: heldReason,
          text: "Rebar delivered next day",
          scheduled_at: "2030-01-01T09:00:00.000Z",
          created_at: "2030-01-01T08:00:00.000Z",
          updated_at: "2030-01-01T08:00:00.000Z",
        });
      await expect(held(reason)).resolves.toBeUndefined();
      await expectRefused(db, "publish_requests", () => held(`${reason}_maybe`), /CHECK/);
    },
  );

  it("refuses unknown skill lifecycle values and malformed visibility", async () => {
    await expectRefused(env.DB, "skills", () => insertSkill({ status: "deprecated" }), /CHECK/);
    await expectRefused(env.DB, "skills", () => insertSkill({ tier: "gold" }), /CHECK/);
    await expectRefused(env.DB, "skills", () => insertSkill({ visibility: "public" }), /CHECK/);
    await expect(insertSkill({ visibility: "tenant:ten_123" })).resolves.toBeTypeOf("string");
  });

  it("refuses a revision classification other than defect or preference", async () => {
    const tenant = await insertTenant();
    const db = await tenantDb(tenant);
    const content = uniqueId("content");
    await insertRow(db, "generated_content", {
      content_id: content,
      tenant_id: tenant,
      intent_spec: "{}",
      content_type: "text",
    });
    await expectRefused(
      db,
      "revision_events",
      () =>
        insertRow(db, "revision_events", {
          event_id: uniqueId("rev"),
          request_id: "req",
          tenant_id: tenant,
          content_id: content,
          classification: "opinion",
          revision_type: "regenerate",
        }),
      /CHECK/,
    );
  });

  it("refuses booleans other than 0 and 1", async () => {
    const tenant = await insertTenant();
    await expectRefused(await tenantDb(tenant), "users", () => insertUser(tenant, { mfa_enabled: 2 }), /CHECK/);
  });
});

describe("JSON columns", () => {
  it("refuses malformed JSON", async () => {
    await expectRefused(
      env.DB,
      "tenants",
      () => insertTenant({ settings: "{max_posts: 100" }),
      /CHECK constraint failed/,
    );
  });

  it("refuses JSON of the wrong shape (scopes must be an array)", async () => {
    const tenant = await insertTenant();
    const db = await tenantDb(tenant);
    const user = await insertUser(tenant);
    const key = (scopes: string) => ({
      key_id: uniqueId("key"),
      tenant_id: tenant,
      user_id: user,
      key_prefix: uniqueId("pfx"),
      key_hash: "a".repeat(64),
      scopes,
    });
    await expectRefused(db, "api_keys", () => insertRow(db, "api_keys", key('{"read:posts": true}')), /CHECK/);
    await expectRefused(db, "api_keys", () => insertRow(db, "api_keys", key("read:posts")), /CHECK/);
    await expect(insertRow(db, "api_keys", key('["read:posts"]'))).resolves.toBeUndefined();
  });

  it("accepts NULL in nullable JSON columns", async () => {
    await expect(insertTenant({ settings: null })).resolves.toBeTypeOf("string");
  });
});

describe("foreign keys", () => {
  it("refuses an orphan user in every shard", async () => {
    for (const { db } of allShards(env)) {
      await expectRefused(db, "users", () => insertUser("ten_does_not_exist", {}, db), /FOREIGN KEY constraint failed/);
    }
  });

  it("refuses a user in a shard its tenant is not resident in", async () => {
    const tenant = await insertTenant({ region: "eu-west" });
    const home = await tenantDb(tenant);
    const elsewhere = allShards(env).filter((shard) => shard.db !== home);
    expect(elsewhere.length).toBeGreaterThan(0);
    for (const { db } of elsewhere) {
      await expectRefused(db, "users", () => insertUser(tenant, {}, db), /FOREIGN KEY constraint failed/);
    }
  });

  it("refuses a post whose account does not exist", async () => {
    const tenant = await insertTenant();
    await expectRefused(
      await tenantDb(tenant),
      "published_posts",
      () => insertPost(tenant, "acc_missing"),
      /FOREIGN KEY/,
    );
  });

  it("refuses a post that points at another tenant's account", async () => {
    const tenantA = await insertTenant();
    const tenantB = await insertTenant();
    const accountOfB = await insertAccount(tenantB);
    await expectRefused(
      await tenantDb(tenantA),
      "published_posts",
      () => insertPost(tenantA, accountOfB),
      /FOREIGN KEY/,
    );
  });

  it("refuses analytics that point at another tenant's post", async () => {
    const tenantA = await insertTenant();
    const tenantB = await insertTenant();
    const postOfB = await insertPost(tenantB, await insertAccount(tenantB));
    const db = await tenantDb(tenantA);
    await expectRefused(
      db,
      "post_analytics",
      () =>
        insertRow(db, "post_analytics", {
          analytics_id: uniqueId("pa"),
          post_id: postOfB,
          tenant_id: tenantA,
          platform: "linkedin",
        }),
      /FOREIGN KEY/,
    );
  });

  it("refuses an API key of a user in another tenant", async () => {
    const tenantA = await insertTenant();
    const userOfB = await insertUser(await insertTenant());
    const db = await tenantDb(tenantA);
    await expectRefused(
      db,
      "api_keys",
      () =>
        insertRow(db, "api_keys", {
          key_id: uniqueId("key"),
          tenant_id: tenantA,
          user_id: userOfB,
          key_prefix: uniqueId("pfx"),
          key_hash: "b".repeat(64),
          scopes: "[]",
        }),
      /FOREIGN KEY/,
    );
  });

  it("refuses a brand profile whose kms_key_id is not its tenant's", async () => {
    const tenant = await insertTenant();
    const db = await tenantDb(tenant);
    await expectRefused(
      db,
      "brand_profiles",
      () =>
        insertRow(db, "brand_profiles", {
          tenant_id: tenant,
          embeddings: new Uint8Array([9]),
          palette: "[]",
          typography: "{}",
          logo_rules: "{}",
          kms_key_id: "kms_someone_else",
        }),
      /FOREIGN KEY/,
    );
  });
});

describe("uniqueness the seed states only in comments", () => {
  it("allows one analytics row per post", async () => {
    const tenant = await insertTenant();
    const db = await tenantDb(tenant);
    const post = await insertPost(tenant, await insertAccount(tenant));
    const row = () => ({ analytics_id: uniqueId("pa"), post_id: post, tenant_id: tenant, platform: "linkedin" });
    await insertRow(db, "post_analytics", row());
    await expectRefused(db, "post_analytics", () => insertRow(db, "post_analytics", row()), /UNIQUE/);
  });

  it("allows one active version per skill", async () => {
    const skill = await insertSkill();
    await insertSkillVersion(skill, { version_number: 1, is_active: 1 });
    await insertSkillVersion(skill, { version_number: 2, is_active: 0 });
    await expectRefused(
      env.DB,
      "skill_versions",
      () => insertSkillVersion(skill, { version_number: 3, is_active: 1 }),
      /UNIQUE/,
    );
  });

  it("allows one default post configuration per tenant", async () => {
    const tenant = await insertTenant();
    const db = await tenantDb(tenant);
    const config = () => ({
      config_id: uniqueId("cfg"),
      tenant_id: tenant,
      name: "Default",
      platforms: '["linkedin"]',
    });
    await insertRow(db, "post_configurations", { ...config(), is_default: 1 });
    await insertRow(db, "post_configurations", { ...config(), is_default: 0 });
    await expectRefused(
      db,
      "post_configurations",
      () => insertRow(db, "post_configurations", { ...config(), is_default: 1 }),
      /UNIQUE/,
    );
  });

  it("refuses a NULL primary key", async () => {
    await expectRefused(env.DB, "tenants", () => insertTenant({ tenant_id: null }), /NOT NULL/);
  });
});
