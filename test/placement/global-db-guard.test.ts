// The lint of ARCHITECTURE.md, Placement, that every test file runs under
// (test/support/global-db-guard.ts) does refuse a tenant-owned table on the global
// database, and lets the directory's and the registry's tables through.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { TENANT_TABLES } from "../../src/core/placement/move/tenant-tables";
import { insertRow, insertSkill, insertSkillVersion, uniqueId } from "../support/rows";
import { createTenant } from "../support/tenants";

describe("the global database guard", () => {
  it("refuses every tenant-owned table", () => {
    for (const table of [...TENANT_TABLES.map((t) => t.name), "tenant_residency"]) {
      expect(() => env.DB.prepare(`SELECT COUNT(*) FROM ${table}`), table).toThrow(/tenant-owned table/);
    }
  });

  it("reads a table named in a string literal or a comment as data, not as a table", async () => {
    const listed = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'audit_logs' -- users are elsewhere",
    ).first<number>("n");
    expect(listed).toBe(0);
  });

  it("lets the directory and the skill registry through", async () => {
    // A row of each, made through the guarded binding or the API, is read back through it.
    const tenant = await createTenant();
    const skill = await insertSkill();
    const version = await insertSkillVersion(skill);
    const event = uniqueId("shr");
    await insertRow(env.DB, "sharing_events", {
      event_id: event,
      action: "fork_skill",
      actor: `tenant:${tenant.tenantId}`,
      tenant_id: tenant.tenantId,
      skill_id: skill,
      reason: "the guard lets the registry through",
    });
    // A shard's settings row as it stands, or as a new shard's (accepting tenants).
    await env.DB.prepare(
      "INSERT INTO shard_settings (shard) VALUES ('SHARD_EU_WEST_1') ON CONFLICT(shard) DO NOTHING",
    ).run();
    const rows: [string, string, string][] = [
      ["tenants", "tenant_id", tenant.tenantId],
      ["key_prefixes", "tenant_id", tenant.tenantId],
      ["shard_settings", "shard", "SHARD_EU_WEST_1"],
      ["skills", "skill_id", skill],
      ["skill_versions", "skill_version_id", version],
      ["sharing_events", "event_id", event],
    ];
    for (const [table, column, id] of rows) {
      const n = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${column} = ?`).bind(id).first("n");
      expect(n, table).toBe(1);
    }
  });
});
