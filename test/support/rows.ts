// Minimal valid rows inserted straight into D1, for tests of the schema itself, each
// in the database where the product keeps it: tenants and the skill registry in the
// global database, a tenant's rows in its shard. Every call makes fresh ids, so tests
// never depend on each other's rows.
import { env } from "cloudflare:workers";
import type { Region } from "../../src/core/db/tenants";
import { shardsOfRegion } from "../../src/core/placement/shards";
import { tenantDb } from "./databases";

let counter = 0;
export function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}_${Date.now().toString(36)}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
}

export async function insertTenant(overrides: Record<string, unknown> = {}): Promise<string> {
  const row = {
    tenant_id: uniqueId("ten"),
    name: "Next Day Steel Ltd",
    region: "eu-west",
    kms_key_id: uniqueId("kms"),
    ...overrides,
  };
  // Placed as the product places it: the directory row names a shard of its region (the
  // first), and the tenant is resident there. A region with no shard is one the
  // tenants table refuses.
  const shard = shardsOfRegion(env, row.region as Region)[0];
  await insertRow(env.DB, "tenants", { ...row, shard: shard?.name ?? null });
  if (shard) {
    await insertRow(shard.db, "tenant_residency", { tenant_id: row.tenant_id, kms_key_id: row.kms_key_id });
  }
  return row.tenant_id as string;
}

/** A user of `tenantId`, in `db` (the tenant's shard unless another is named). */
export async function insertUser(
  tenantId: string,
  overrides: Record<string, unknown> = {},
  db?: D1Database,
): Promise<string> {
  const row = {
    user_id: uniqueId("usr"),
    tenant_id: tenantId,
    email: `${uniqueId("u")}@example.com`,
    password_hash: "pbkdf2-sha256$600000$c2FsdA$aGFzaA",
    ...overrides,
  };
  await insertRow(db ?? (await tenantDb(tenantId)), "users", row);
  return row.user_id as string;
}

export async function insertAccount(tenantId: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const row = {
    account_id: uniqueId("acc"),
    tenant_id: tenantId,
    platform: "linkedin",
    platform_user_id: uniqueId("li"),
    access_token_encrypted: new Uint8Array([1, 2, 3]),
    ...overrides,
  };
  await insertRow(await tenantDb(tenantId), "social_accounts", row);
  return row.account_id as string;
}

export async function insertPost(
  tenantId: string,
  accountId: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const row = {
    post_id: uniqueId("post"),
    tenant_id: tenantId,
    platform: "linkedin",
    account_id: accountId,
    platform_post_id: uniqueId("urn"),
    text: "Rebar delivered next day",
    published_at: new Date().toISOString(),
    ...overrides,
  };
  await insertRow(await tenantDb(tenantId), "published_posts", row);
  return row.post_id as string;
}

export async function insertSkill(overrides: Record<string, unknown> = {}): Promise<string> {
  const row = {
    skill_id: uniqueId("skill"),
    name: "3-Column Product Layout (LinkedIn)",
    task: "social_image_post",
    platform: "linkedin",
    modality: "image+text",
    ...overrides,
  };
  await insertRow(env.DB, "skills", row);
  return row.skill_id as string;
}

export async function insertSkillVersion(skillId: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const row = {
    skill_version_id: uniqueId("sv"),
    skill_id: skillId,
    prompt_fragments_json: "{}",
    constraints_json: "{}",
    toolchain_json: "{}",
    guards_json: "[]",
    version_number: 1,
    ...overrides,
  };
  await insertRow(env.DB, "skill_versions", row);
  return row.skill_version_id as string;
}

/** INSERT into `db` with bound parameters only; column names come from test code, never input. */
export async function insertRow(db: D1Database, table: string, row: Record<string, unknown>): Promise<void> {
  const columns = Object.keys(row);
  const sql = `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;
  await db
    .prepare(sql)
    .bind(...columns.map((c) => row[c] ?? null))
    .run();
}
