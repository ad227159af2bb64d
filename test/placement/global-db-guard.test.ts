// The lint of ARCHITECTURE.md, Placement, that every test file runs under
// (test/support/global-db-guard.ts) does refuse a tenant-owned table on the global
// database, and lets the directory's and the registry's tables through.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { TENANT_TABLES } from "../../src/placement/move/tenant-tables";

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
    for (const table of ["tenants", "key_prefixes", "shard_settings", "skills", "skill_versions", "sharing_events"]) {
      expect(await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first("n"), table).toBeGreaterThanOrEqual(0);
    }
  });
});
