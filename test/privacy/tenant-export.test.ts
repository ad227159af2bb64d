// A tenant's export (docs/privacy.md, "A tenant's export"): every row of every table of
// the tenant's shard, walked from the shard's own schema (a table added without export
// support fails here), its global rows, its TenantObject's state and its vectors, in one
// archive whose checksums hold, with no secret in it; resumable after the object is
// reset mid-run; owner-only, 404 to another tenant, 410 once expired.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { isInternalTable, OBJECT_TABLES } from "../../objects/privacy/object-tables";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { countRows } from "../../src/core/placement/move/copy-rows";
import { TENANT_TABLES } from "../../src/core/placement/move/tenant-tables";
import { exportPrefix } from "../../src/core/retention/archive-bucket";
import { sweepExpiredExports } from "../../src/core/retention/export-sweep";
import { tenantDb } from "../support/databases";
import { clearFaults, resetAt } from "../support/faults";
import { call, json } from "../support/http";
import { tenantObjectOf } from "../support/objects";
import { callAt } from "../support/router-clock";
import { ADMIN, addUser, createTenant, login } from "../support/tenants";
import { type Archive, download, exportView, hex, rowsOf, runExport, startExport, usePageRows } from "./export-support";
import { type SeededTenant, seedEveryTable } from "./seed-tenant";

/** The shard's tables that hold no tenant's rows of their own, or are the placement's record. */
const NOT_TENANT_DATA = new Set(["d1_migrations", "tenant_residency"]);

async function shardTables(db: D1Database): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all<{ name: string }>();
  return results
    .map((row) => row.name)
    .filter((name) => !name.startsWith("sqlite_") && !name.startsWith("_cf_") && !NOT_TENANT_DATA.has(name));
}

describe("a tenant's export of every table", () => {
  let seeded: SeededTenant;
  let archive: Archive;
  let exportId: string;

  beforeAll(async () => {
    seeded = await seedEveryTable();
    const started = await startExport(seeded.ownerKey);
    expect(started.status).toBe("running");
    exportId = started.id;
    const view = await runExport(seeded.tenantId, exportId);
    expect(view.status, view.error ?? "").toBe("ready");
    archive = await download(seeded.ownerKey, exportId);
  }, 120_000);

  it("holds every row of every table of the shard, walked from the shard's schema", async () => {
    const db = await tenantDb(seeded.tenantId);
    const tables = await shardTables(db);
    expect(tables.length).toBeGreaterThanOrEqual(TENANT_TABLES.length);
    for (const name of tables) {
      const table = TENANT_TABLES.find((t) => t.name === name);
      expect(
        table,
        `${name}: a table of the shard with no export (src/core/placement/move/tenant-tables.ts)`,
      ).toBeDefined();
      if (!table) continue;
      const inShard = await countRows(db, table, seeded.tenantId);
      expect(inShard, `${name}: the seeded tenant has a row in it`).toBeGreaterThan(0);
      // The export's completion and its download are audited after the trail was read.
      const expected = name === "audit_logs" ? inShard - 2 : inShard;
      const rows = rowsOf(archive, `tables/${name}.ndjson`);
      expect(rows.length, `${name}: rows in the archive`).toBe(expected);
      const listed = archive.manifest.files.find((f) => f.path === `tables/${name}.ndjson`);
      expect(listed?.rows, `${name}: rows in the manifest`).toBe(expected);
    }
  });

  it("holds the tenant's global rows, its object's state and its vectors", () => {
    expect(rowsOf(archive, "global/tenants.ndjson").map((r) => r.tenant_id)).toEqual([seeded.tenantId]);
    expect(rowsOf(archive, "global/skills.ndjson").length).toBeGreaterThan(0);
    expect(rowsOf(archive, "global/skill_versions.ndjson").length).toBeGreaterThan(0);
    const schedule = rowsOf(archive, "object/scheduled_posts.ndjson").map((r) => r.request_id);
    expect(schedule).toEqual([seeded.scheduledPost]);
    // The post waiting for approval: its input in the object, its versions in the shard's rows.
    expect(rowsOf(archive, "object/pending_approvals.ndjson").map((r) => r.request_id)).toEqual([seeded.waitingPost]);
    const versions = rowsOf(archive, "tables/revision_events.ndjson").filter((r) => r.post_id === seeded.waitingPost);
    expect(versions.map((r) => r.revision_type)).toEqual(["drafted", "manual_edit"]);
    // Live counters of both posts (the sandbox's figures, pulled on the object's timers, are in them).
    const counters = rowsOf(archive, "object/post_counters.ndjson");
    expect(counters.map((r) => r.post_id).toSorted()).toEqual(seeded.publishedPosts.toSorted());
    expect(rowsOf(archive, "object/rate_hits.ndjson").length).toBeGreaterThan(0);
    const sessions = rowsOf(archive, "object/sessions.ndjson");
    expect(sessions.length).toBeGreaterThan(0);
    for (const [i, session] of sessions.entries())
      expect(Object.keys(session), `session ${i}`).not.toContain("session_id");
    const voice = rowsOf(archive, "vectors/brand_voice.ndjson");
    expect(voice.map((v) => v.id)).toEqual([seeded.tenantId]);
    expect((voice[0]?.values as number[] | undefined)?.length).toBe(1536);
    expect(rowsOf(archive, "vectors/knowledge.ndjson").length).toBe(1);
  });

  it("carries no secret, and its manifest names each column left out", () => {
    for (const [what, value] of Object.entries(seeded.secrets)) {
      expect(archive.text.includes(value), `${what} is in the archive`).toBe(false);
    }
    for (const [what, value] of Object.entries(seeded.secrets)) {
      if (value.length > 24) expect(archive.text.includes(value.slice(8, 40)), `part of ${what}`).toBe(false);
    }
    const withheld = archive.manifest.withheld.columns.map((c) => `${c.table}.${c.column}`);
    for (const column of [
      "users.password_hash",
      "users.mfa_secret",
      "api_keys.key_hash",
      "social_accounts.access_token_encrypted",
      "social_accounts.refresh_token_encrypted",
      "sessions.session_id",
    ]) {
      expect(withheld, column).toContain(column);
    }
    for (const [i, row] of rowsOf(archive, "tables/users.ndjson").entries()) {
      expect(Object.keys(row), `users row ${i}`).not.toContain("password_hash");
      expect(Object.keys(row), `users row ${i}`).not.toContain("mfa_secret");
    }
    const tables = archive.manifest.withheld.tables.map((t) => t.table);
    for (const table of ["live_tickets", "oauth_states", "password_resets"]) expect(tables, table).toContain(table);
  });

  it("checks out: every file's SHA-256, SHA256SUMS, and the manifest's checksum of it", async () => {
    const paths = [...archive.files.keys()];
    expect(paths.slice(0, 2)).toEqual(["manifest.json", "SHA256SUMS"]);
    expect(paths.slice(2)).toEqual(archive.manifest.files.map((f) => f.path));
    const sums: string[] = [];
    for (const file of archive.manifest.files) {
      const bytes = archive.files.get(file.path) as Uint8Array<ArrayBuffer>;
      expect(bytes.byteLength, file.path).toBe(file.bytes);
      expect(hex(await crypto.subtle.digest("SHA-256", bytes)), file.path).toBe(file.sha256);
      expect(rowsOf(archive, file.path).length, file.path).toBe(file.rows);
      sums.push(`${file.sha256}  ${file.path}\n`);
    }
    const listed = archive.files.get("SHA256SUMS") as Uint8Array<ArrayBuffer>;
    expect(new TextDecoder().decode(listed)).toBe(sums.join(""));
    expect(hex(await crypto.subtle.digest("SHA-256", listed))).toBe(archive.manifest.checksum.value);
  });

  it("is audited: who asked, its completion and each download", async () => {
    const db = await tenantDb(seeded.tenantId);
    const { results } = await db
      .prepare("SELECT action, user_id FROM audit_logs WHERE tenant_id = ? AND resource_id = ? ORDER BY action")
      .bind(seeded.tenantId, exportId)
      .all<{ action: string; user_id: string }>();
    expect(results.map((r) => r.action)).toEqual(["tenant.export", "tenant.export_download", "tenant.export_ready"]);
  });
});

describe("every table of the TenantObject is classified for export", () => {
  it("names each one: exported, or left out with a reason", async () => {
    const tenant = await createTenant();
    const names = await runInDurableObject(tenantObjectOf(tenant.tenantId), (_o: TenantObject, state) =>
      state.storage.sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
        .toArray()
        .map((row) => row.name),
    );
    const classified = new Set(OBJECT_TABLES.map((rule) => rule.table));
    for (const name of names.filter((n) => !isInternalTable(n))) {
      expect(classified.has(name), `object table ${name} is not in objects/privacy/object-tables.ts`).toBe(true);
    }
  });
});

describe("the export job resumes", () => {
  afterEach(clearFaults);

  /** A tenant with eight users (an owner and seven members), exported two rows a page. */
  async function smallExport() {
    const tenant = await createTenant();
    for (let i = 0; i < 7; i++) await addUser(tenant, "member");
    const started = await startExport(tenant.ownerKey);
    await usePageRows(tenant.tenantId, started.id, 2);
    return { tenant, exportId: started.id };
  }

  async function expectWhole(tenantId: string, token: string, exportId: string) {
    const view = await runExport(tenantId, exportId);
    expect(view.status, view.error ?? "").toBe("ready");
    const archive = await download(token, exportId);
    const db = await tenantDb(tenantId);
    // The export's completion and its download are audited after the trail was read.
    const later = await db
      .prepare(
        "SELECT COUNT(*) AS n FROM audit_logs WHERE tenant_id = ? AND resource_id = ? AND action <> 'tenant.export'",
      )
      .bind(tenantId, exportId)
      .first<{ n: number }>();
    expect(later?.n).toBe(2);
    for (const table of TENANT_TABLES) {
      const rows = rowsOf(archive, `tables/${table.name}.ndjson`);
      const inShard = await countRows(db, table, tenantId);
      expect(rows.length, table.name).toBe(table.name === "audit_logs" ? inShard - 2 : inShard);
    }
    const ids = rowsOf(archive, "tables/users.ndjson").map((r) => r.user_id);
    expect(new Set(ids).size, "users, each once").toBe(8);
    const logs = rowsOf(archive, "tables/audit_logs.ndjson").map((r) => r.log_id);
    expect(new Set(logs).size, "audit rows, each once").toBe(logs.length);
    return archive;
  }

  it("after a reset between a page written to R2 and its checkpoint, past earlier checkpoints", async () => {
    const { tenant, exportId } = await smallExport();
    // The third page: the users table's second (the first two pages were checkpointed).
    const reset = await resetAt(tenant.tenantId, "export.page", 3);
    await expect(runExport(tenant.tenantId, exportId)).rejects.toMatchObject({ durableObjectReset: true });
    expect(reset.fired()).toBe(true);
    clearFaults();
    const view = await exportView(tenant.tenantId, exportId);
    expect(view?.status).toBe("running");
    expect(view?.progress.rows, "the checkpointed pages").toBe(4);
    // The alarm comes back, as the runtime delivers it again.
    expect(await runDurableObjectAlarm(tenantObjectOf(tenant.tenantId))).toBe(true);
    await expectWhole(tenant.tenantId, tenant.ownerKey, exportId);
  });

  it("after a reset between the manifest written and the export marked ready", async () => {
    const { tenant, exportId } = await smallExport();
    const reset = await resetAt(tenant.tenantId, "export.sealed", 1);
    await expect(runExport(tenant.tenantId, exportId)).rejects.toMatchObject({ durableObjectReset: true });
    expect(reset.fired()).toBe(true);
    clearFaults();
    expect((await exportView(tenant.tenantId, exportId))?.status).toBe("running");
    await expectWhole(tenant.tenantId, tenant.ownerKey, exportId);
  });
});

describe("who may export, and for how long", () => {
  it("answers 404 for another tenant's export, exactly as for an unknown one", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const theirs = await startExport(b.ownerKey);
    await runExport(b.tenantId, theirs.id);
    const unknown = theirs.id.replace(/_[0-9A-Z]{26}$/, "_00000000000000000000000000");
    for (const path of [`/v1/tenant/exports/${theirs.id}`, `/v1/tenant/exports/${theirs.id}/download`]) {
      const foreign = await call(path, { token: a.ownerKey });
      expect(foreign.status, path).toBe(404);
      const absent = await call(path.replace(theirs.id, unknown), { token: a.ownerKey });
      expect(absent.status, path).toBe(404);
      expect((await json(foreign)).detail, path).toBe((await json(absent)).detail);
    }
  });

  it("is the owner's: an admin is refused", async () => {
    const tenant = await createTenant();
    const admin = await addUser(tenant, "admin");
    const res = await call("/v1/tenant/exports", { method: "POST", token: await login(tenant.tenantId, admin.email) });
    expect(res.status).toBe(403);
  });

  it("runs one at a time: a second request while one runs answers 409 naming it", async () => {
    const tenant = await createTenant();
    const first = await startExport(tenant.ownerKey);
    const second = await call("/v1/tenant/exports", { method: "POST", token: tenant.ownerKey });
    expect(second.status).toBe(409);
    expect((await json(second)).export_id).toBe(first.id);
    await runExport(tenant.tenantId, first.id);
    expect((await call("/v1/tenant/exports", { method: "POST", token: tenant.ownerKey })).status).toBe(202);
  });

  it("fails when the tenant is suspended mid-run, and the tenant's credentials stop", async () => {
    const tenant = await createTenant();
    const started = await startExport(tenant.ownerKey);
    const res = await call(`/v1/tenants/${tenant.tenantId}`, {
      method: "PATCH",
      token: ADMIN,
      body: { status: "suspended" },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const view = await runExport(tenant.tenantId, started.id);
    expect(view.status).toBe("failed");
    expect(view.error).toContain("suspended or deleted");
    expect((await call(`/v1/tenant/exports/${started.id}`, { token: tenant.ownerKey })).status).toBe(401);
  });

  it("expires after seven days: the download answers 410 and deletes the archive; the daily sweep deletes the rest", async () => {
    const tenant = await createTenant();
    const bucket = env.ARCHIVE_EU_WEST;
    const first = await startExport(tenant.ownerKey);
    await runExport(tenant.tenantId, first.id);
    const prefix = exportPrefix(tenant.tenantId, first.id);
    expect((await bucket.list({ prefix })).objects.length).toBeGreaterThan(0);
    const expiresAt = Date.parse(first.expires_at);
    expect(
      expiresAt -
        Date.parse(
          (await json<{ created_at: string }>(await call(`/v1/tenant/exports/${first.id}`, { token: tenant.ownerKey })))
            .created_at,
        ),
    ).toBe(7 * 86_400_000);
    // A minute before: still there.
    const before = await callAt(expiresAt - 60_000, `/v1/tenant/exports/${first.id}/download`, {
      token: tenant.ownerKey,
    });
    expect(before.status).toBe(200);
    await before.body?.cancel();
    const after = await callAt(expiresAt, `/v1/tenant/exports/${first.id}/download`, { token: tenant.ownerKey });
    expect(after.status).toBe(410);
    expect((await json(after)).type).toBe("/problems/gone");
    expect((await bucket.list({ prefix })).objects).toEqual([]);

    // An export nobody downloads again: the daily sweep deletes it once its time is up, not before.
    const second = await startExport(tenant.ownerKey);
    await runExport(tenant.tenantId, second.id);
    const secondPrefix = exportPrefix(tenant.tenantId, second.id);
    const secondExpiry = Date.parse(second.expires_at);
    await sweepExpiredExports(env, secondExpiry - 1);
    expect((await bucket.list({ prefix: secondPrefix })).objects.length).toBeGreaterThan(0);
    const report = await sweepExpiredExports(env, secondExpiry);
    expect(report.failures).toEqual([]);
    expect((await bucket.list({ prefix: secondPrefix })).objects).toEqual([]);
  });
});
