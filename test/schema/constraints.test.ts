// The database itself refuses bad rows: unknown enumerations, malformed JSON, orphans,
// references into another tenant, and duplicates the seed promises cannot exist.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
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

async function count(table: string): Promise<number> {
  const row = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>();
  return row?.n ?? 0;
}

/** The insert fails with `pattern` and leaves the table as it was. */
async function expectRefused(table: string, insert: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  const before = await count(table);
  await expect(insert()).rejects.toThrow(pattern);
  expect(await count(table)).toBe(before);
}

describe("enumerated columns", () => {
  it("refuses an unknown role", async () => {
    const tenant = await insertTenant();
    await expectRefused("users", () => insertUser(tenant, { role: "superuser" }), /CHECK constraint failed/);
  });

  it.each([
    ["tenants", { region: "mars-north" }],
    ["tenants", { tier: "platinum" }],
    ["tenants", { status: "archived" }],
    ["tenants", { subscription_status: "trialing" }],
  ])("refuses a tenant with %s %o", async (table, overrides) => {
    await expectRefused(table, () => insertTenant(overrides), /CHECK constraint failed/);
  });

  it("refuses an unknown platform, account status or post status", async () => {
    const tenant = await insertTenant();
    await expectRefused("social_accounts", () => insertAccount(tenant, { platform: "myspace" }), /CHECK/);
    await expectRefused("social_accounts", () => insertAccount(tenant, { status: "sleeping" }), /CHECK/);
    const account = await insertAccount(tenant);
    await expectRefused("published_posts", () => insertPost(tenant, account, { status: "queued" }), /CHECK/);
  });

  it("refuses unknown skill lifecycle values and malformed visibility", async () => {
    await expectRefused("skills", () => insertSkill({ status: "deprecated" }), /CHECK/);
    await expectRefused("skills", () => insertSkill({ tier: "gold" }), /CHECK/);
    await expectRefused("skills", () => insertSkill({ visibility: "public" }), /CHECK/);
    await expect(insertSkill({ visibility: "tenant:ten_123" })).resolves.toBeTypeOf("string");
  });

  it("refuses a revision classification other than defect or preference", async () => {
    const tenant = await insertTenant();
    const content = uniqueId("content");
    await insertRow("generated_content", {
      content_id: content,
      tenant_id: tenant,
      intent_spec: "{}",
      content_type: "text",
    });
    await expectRefused(
      "revision_events",
      () =>
        insertRow("revision_events", {
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
    await expectRefused("users", () => insertUser(tenant, { mfa_enabled: 2 }), /CHECK/);
  });
});

describe("JSON columns", () => {
  it("refuses malformed JSON", async () => {
    await expectRefused("tenants", () => insertTenant({ settings: "{max_posts: 100" }), /CHECK constraint failed/);
  });

  it("refuses JSON of the wrong shape (scopes must be an array)", async () => {
    const tenant = await insertTenant();
    const user = await insertUser(tenant);
    const key = (scopes: string) => ({
      key_id: uniqueId("key"),
      tenant_id: tenant,
      user_id: user,
      key_prefix: uniqueId("pfx"),
      key_hash: "a".repeat(64),
      scopes,
    });
    await expectRefused("api_keys", () => insertRow("api_keys", key('{"read:posts": true}')), /CHECK/);
    await expectRefused("api_keys", () => insertRow("api_keys", key("read:posts")), /CHECK/);
    await expect(insertRow("api_keys", key('["read:posts"]'))).resolves.toBeUndefined();
  });

  it("accepts NULL in nullable JSON columns", async () => {
    await expect(insertTenant({ settings: null })).resolves.toBeTypeOf("string");
  });
});

describe("foreign keys", () => {
  it("refuses an orphan user", async () => {
    await expectRefused("users", () => insertUser("ten_does_not_exist"), /FOREIGN KEY constraint failed/);
  });

  it("refuses a post whose account does not exist", async () => {
    const tenant = await insertTenant();
    await expectRefused("published_posts", () => insertPost(tenant, "acc_missing"), /FOREIGN KEY/);
  });

  it("refuses a post that points at another tenant's account", async () => {
    const tenantA = await insertTenant();
    const tenantB = await insertTenant();
    const accountOfB = await insertAccount(tenantB);
    await expectRefused("published_posts", () => insertPost(tenantA, accountOfB), /FOREIGN KEY/);
  });

  it("refuses analytics that point at another tenant's post", async () => {
    const tenantA = await insertTenant();
    const tenantB = await insertTenant();
    const postOfB = await insertPost(tenantB, await insertAccount(tenantB));
    await expectRefused(
      "post_analytics",
      () =>
        insertRow("post_analytics", {
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
    await expectRefused(
      "api_keys",
      () =>
        insertRow("api_keys", {
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
    await expectRefused(
      "brand_profiles",
      () =>
        insertRow("brand_profiles", {
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
    const post = await insertPost(tenant, await insertAccount(tenant));
    const row = () => ({ analytics_id: uniqueId("pa"), post_id: post, tenant_id: tenant, platform: "linkedin" });
    await insertRow("post_analytics", row());
    await expectRefused("post_analytics", () => insertRow("post_analytics", row()), /UNIQUE/);
  });

  it("allows one active version per skill", async () => {
    const skill = await insertSkill();
    await insertSkillVersion(skill, { version_number: 1, is_active: 1 });
    await insertSkillVersion(skill, { version_number: 2, is_active: 0 });
    await expectRefused(
      "skill_versions",
      () => insertSkillVersion(skill, { version_number: 3, is_active: 1 }),
      /UNIQUE/,
    );
  });

  it("allows one default post configuration per tenant", async () => {
    const tenant = await insertTenant();
    const config = () => ({
      config_id: uniqueId("cfg"),
      tenant_id: tenant,
      name: "Default",
      platforms: '["linkedin"]',
    });
    await insertRow("post_configurations", { ...config(), is_default: 1 });
    await insertRow("post_configurations", { ...config(), is_default: 0 });
    await expectRefused(
      "post_configurations",
      () => insertRow("post_configurations", { ...config(), is_default: 1 }),
      /UNIQUE/,
    );
  });

  it("refuses a NULL primary key", async () => {
    await expectRefused("tenants", () => insertTenant({ tenant_id: null }), /NOT NULL/);
  });
});
