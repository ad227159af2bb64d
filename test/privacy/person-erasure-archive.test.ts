// A person's erasure beyond the shard (docs/privacy.md, "A person's erasure"): the audit
// days already archived to R2, rewritten by their TenantObject's job (erase-archive) a
// bounded number of days a run, resumable after a reset; their e-mail in any case; and
// what the object keeps of their requests (a scheduled post, an audit row on its way to
// the shard). Their data includes their archived audit rows, a bounded read a page.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { DAYS_PER_RUN } from "../../objects/privacy/archive-erasure";
import { setFaultHook } from "../../objects/tenant-object/fault-points";
import { type AuditLogRow, pendingAuditRow } from "../../src/core/db/audit-logs";
import { newId } from "../../src/core/db/ids";
import { tenantScope } from "../../src/core/db/tenant-scope";
import { ARCHIVE_DAYS_PER_PAGE } from "../../src/core/privacy/person-archive";
import { archiveExpiredAudit } from "../../src/core/retention/audit-archive";
import { writeDay } from "../../src/core/retention/audit-day-object";
import { CallBudget, DEFAULT_BUDGET } from "../../src/core/retention/budget";
import { addDays, dayOf } from "../../src/core/skills/calendar";
import { encodeCursor } from "../../src/router/http/cursor";
import { daysBefore, plantAudit } from "../retention/plant";
import { publishBody } from "../support/accounts";
import { tenantDb } from "../support/databases";
import { clearFaults, resetAt } from "../support/faults";
import { call, json } from "../support/http";
import { objectRows } from "../support/object-time";
import { makeDue, runAlarmNow, runTimersNow, tenantObjectOf } from "../support/objects";
import { publishingTenant } from "../support/outcomes";
import { insertRow, uniqueId } from "../support/rows";
import { createTenant, login, PASSWORD, type TestTenant } from "../support/tenants";

const AS_OF = dayOf(new Date());
const BUCKET = () => env.ARCHIVE_EU_WEST;
/** Days planted: more than two runs' worth, and more than one page of a person's data. */
const DAYS = 2 * DAYS_PER_RUN + 5;
const PERSON_IP = "198.51.100.23";
const PERSON_AGENT = "Person-Browser/7.1";

interface Person {
  userId: string;
  email: string;
  name: string;
  session: string;
}

async function person(tenant: TestTenant, role: string): Promise<Person> {
  const email = `${uniqueId(role)}@example.com`.toLowerCase();
  const name = `Mira ${crypto.randomUUID().slice(0, 8)}`;
  const res = await call("/v1/users", {
    token: tenant.ownerKey,
    body: { email, password: PASSWORD, full_name: name, role },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { id } = await json<{ id: string }>(res);
  return { userId: id, email, name, session: await login(tenant.tenantId, email) };
}

/** The same e-mail, its case changed here and there. */
function mixedCase(email: string): string {
  return [...email].map((ch, i) => (i % 2 ? ch.toUpperCase() : ch)).join("");
}

function auditRow(tenantId: string, day: string, time: string, fields: Partial<AuditLogRow>): AuditLogRow {
  return {
    log_id: newId("auditLog"),
    tenant_id: tenantId,
    user_id: null,
    action: "post.publish",
    resource_type: "post",
    resource_id: newId("post"),
    ip_address: "203.0.113.9",
    user_agent: "someone-else",
    request_id: newId("post"),
    metadata: JSON.stringify({ platform: "linkedin" }),
    success: 1,
    error_message: null,
    timestamp: `${day}T${time}Z`,
    ...fields,
  };
}

/**
 * Archived days naming the person every way the trail does: their own requests, their
 * e-mail in another case in metadata and an error, their id in a hold's metadata, their
 * name as a value, rows about them as a user; and rows of nobody but others. Every fifth
 * day holds only others' rows.
 */
async function plantArchive(tenantId: string, target: Person, other: string): Promise<Map<string, AuditLogRow>> {
  const planted = new Map<string, AuditLogRow>();
  for (let i = 0; i < DAYS; i++) {
    const day = addDays(AS_OF, -(400 + i));
    const rows = [auditRow(tenantId, day, "07:00:00.000", { user_id: other })];
    if (i % 5 !== 0) {
      rows.push(
        auditRow(tenantId, day, "08:00:00.000", {
          user_id: target.userId,
          ip_address: PERSON_IP,
          user_agent: PERSON_AGENT,
        }),
        auditRow(tenantId, day, "09:00:00.000", {
          user_id: other,
          action: "user.note",
          resource_type: "user",
          resource_id: target.userId,
          metadata: JSON.stringify({
            invited: target.email.toUpperCase(),
            name: target.name,
            author_id: target.userId,
          }),
          error_message: `mail to ${mixedCase(target.email)} bounced`,
        }),
      );
    }
    expect(await writeDay(BUCKET(), tenantId, day, rows, null), day).not.toBeNull();
    for (const row of rows) planted.set(row.log_id, row);
  }
  return planted;
}

/** Every object of the tenant in its region's bucket, as text (gzip undone). */
async function tenantObjects(tenantId: string): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  let cursor: string | undefined;
  do {
    const listing = await BUCKET().list(cursor ? { cursor } : {});
    for (const object of listing.objects) {
      if (!object.key.includes(tenantId)) continue;
      const body = await BUCKET().get(object.key);
      if (!body) continue;
      const stream = object.key.endsWith(".gz") ? body.body.pipeThrough(new DecompressionStream("gzip")) : body.body;
      texts.set(object.key, await new Response(stream).text());
    }
    cursor = listing.truncated ? listing.cursor : undefined;
  } while (cursor);
  return texts;
}

/** Every archived row of the tenant, by id. */
async function archivedRows(tenantId: string): Promise<Map<string, AuditLogRow>> {
  const rows = new Map<string, AuditLogRow>();
  for (const [key, text] of await tenantObjects(tenantId)) {
    if (!key.startsWith(`audit/${tenantId}/`)) continue;
    for (const line of text.split("\n").filter((l) => l !== "")) {
      const row = JSON.parse(line) as AuditLogRow;
      rows.set(row.log_id, row);
    }
  }
  return rows;
}

async function jobRow(tenantId: string) {
  return (await tenantDb(tenantId))
    .prepare("SELECT * FROM person_erasures WHERE tenant_id = ?")
    .bind(tenantId)
    .first<Record<string, unknown>>();
}

/** Runs the job's timer until its row is gone (a reset on the way is carried on from). */
async function runJob(tenantId: string, maxRuns = 60): Promise<void> {
  for (let run = 1; run <= maxRuns; run++) {
    try {
      await runTimersNow(tenantId, ["erase-archive"]);
    } catch (error) {
      // A reset the test set up: the alarm comes back, as the runtime delivers it again.
      expect(error, "only a reset stops a run").toMatchObject({ durableObjectReset: true });
      clearFaults();
    }
    if (!(await jobRow(tenantId))) return;
  }
  throw new Error(`the erasure's archive job still runs after ${maxRuns} runs`);
}

/** Erased by the tenant's owner, signed in (an erasure is never an API key's). */
async function erase(tenant: TestTenant, target: Person): Promise<string> {
  const token = await login(tenant.tenantId, tenant.ownerEmail);
  const res = await call(`/v1/users/${target.userId}/erase`, { method: "POST", token });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await json<{ pseudonym: string }>(res)).pseudonym;
}

/** Each planted row after the job: the person's as the erasure leaves them, everyone else's as they were. */
function expectScrubbed(
  after: Map<string, AuditLogRow>,
  before: Map<string, AuditLogRow>,
  target: Person,
  pseudonym: string,
): void {
  for (const [id, was] of before) {
    const row = after.get(id);
    expect(row, `${id}: still archived`).toBeDefined();
    if (!row) continue;
    if (was.user_id === target.userId) {
      expect(row, `${id}: their own row`).toEqual({ ...was, user_id: pseudonym, ip_address: null, user_agent: null });
    } else if (was.resource_id === target.userId) {
      expect(row.resource_id, `${id}: about them`).toBe(pseudonym);
      expect(JSON.parse(row.metadata ?? "{}"), `${id}: metadata`).toEqual({
        invited: "[erased]",
        name: "[erased]",
        author_id: pseudonym,
      });
      expect(row.error_message, `${id}: error`).toBe("mail to [erased] bounced");
      expect(row.ip_address, `${id}: another's address stays`).toBe(was.ip_address);
    } else {
      expect(row, `${id}: nobody's but others'`).toEqual(was);
    }
  }
}

/** Nowhere in the tenant's R2 objects: their e-mail (any case), their id, their name, their address. */
async function expectNowhereInR2(tenantId: string, target: Person): Promise<void> {
  const objects = await tenantObjects(tenantId);
  expect(objects.size).toBeGreaterThanOrEqual(DAYS);
  for (const [key, text] of objects) {
    expect(text.toLowerCase().includes(target.email), `${key}: their e-mail`).toBe(false);
    expect(text.includes(target.userId), `${key}: their id`).toBe(false);
    expect(text.includes(target.name), `${key}: their name`).toBe(false);
    expect(text.includes(PERSON_IP), `${key}: their address`).toBe(false);
    expect(text.includes(PERSON_AGENT), `${key}: their browser`).toBe(false);
  }
}

afterEach(() => clearFaults());

describe("a person's erasure reaches the archived audit days", () => {
  it("rewrites every day naming them, a bounded run at a time; the archive keeps every row", async () => {
    const tenant = await createTenant();
    const target = await person(tenant, "member");
    const admin = await person(tenant, "admin");
    const planted = await plantArchive(tenant.tenantId, target, admin.userId);
    // One more day archived by the retention job's own step for this tenant (its horizon
    // injected: the job over every tenant belongs to the isolated files): a row of theirs.
    const old = await plantAudit(tenant.tenantId, daysBefore(AS_OF, 380), {
      user_id: target.userId,
      ip_address: PERSON_IP,
      user_agent: PERSON_AGENT,
    });
    const archived = await archiveExpiredAudit(
      {
        scope: await tenantScope(env, tenant.tenantId),
        bucket: BUCKET(),
        budget: new CallBudget(DEFAULT_BUDGET),
        batchRows: 100,
      },
      addDays(AS_OF, -100),
    );
    expect(archived).toMatchObject({ rows: 1, deleted: 1, conflicts: 0 });
    const before = await archivedRows(tenant.tenantId);
    expect(before.get(old.log_id)?.user_id, "archived by the retention job").toBe(target.userId);
    for (const id of planted.keys()) expect(before.has(id), id).toBe(true);

    // Days read per alarm run: counted between the alarm's handler starts (fault-points.ts).
    let inRun = 0;
    let most = 0;
    setFaultHook((name) => {
      if (name === "alarm.timer") inRun = 0;
      if (name === "erase-archive.day") most = Math.max(most, ++inRun);
      return undefined;
    });
    const pseudonym = await erase(tenant, target);
    // The job's row holds their e-mail only sealed with the tenant's key.
    const job = await jobRow(tenant.tenantId);
    expect(job?.pseudonym).toBe(pseudonym);
    expect(String(job?.email_encrypted)).toMatch(/^enc1:/);
    expect(JSON.stringify(job).toLowerCase()).not.toContain(target.email);
    expect(JSON.stringify(job)).not.toContain(target.name);

    await runJob(tenant.tenantId);
    expect(most, "days read in one run").toBe(DAYS_PER_RUN);

    const after = await archivedRows(tenant.tenantId);
    expect(after.size, "every archived row is still there").toBe(before.size);
    expectScrubbed(after, planted, target, pseudonym);
    expect(after.get(old.log_id)).toMatchObject({ user_id: pseudonym, ip_address: null, user_agent: null });
    await expectNowhereInR2(tenant.tenantId, target);

    // The job's row (with the sealed e-mail) is gone; its counts are in the trail.
    expect(await jobRow(tenant.tenantId)).toBeNull();
    const done = await (await tenantDb(tenant.tenantId))
      .prepare("SELECT * FROM audit_logs WHERE tenant_id = ? AND action = 'user.erase_archive'")
      .bind(tenant.tenantId)
      .first<{ resource_id: string; metadata: string }>();
    const theirDays = [...planted.values()].filter((r) => r.user_id === target.userId).length + 1;
    expect(done?.resource_id).toBe(pseudonym);
    const counts = JSON.parse(done?.metadata ?? "{}") as Record<string, number>;
    expect(counts).toMatchObject({ days_rewritten: theirDays, rows_rewritten: 2 * (theirDays - 1) + 1 });
    // Pass 1 read every day; pass 2 read again those uploaded since five minutes before the
    // erasure (R2's clock may differ from the Worker's): here, planted just now, every day.
    expect(counts.days_read).toBe(2 * (DAYS + 1));
  });

  it("resumes after a reset between a day rewritten and its checkpoint", async () => {
    const tenant = await createTenant();
    const target = await person(tenant, "member");
    const admin = await person(tenant, "admin");
    const planted = await plantArchive(tenant.tenantId, target, admin.userId);
    // The second run's third day: its rewrite is in R2, its checkpoint is not (armed before
    // the erasure, as the object's own alarm may start the job at once).
    const reset = await resetAt(tenant.tenantId, "erase-archive.day", DAYS_PER_RUN + 3);
    const pseudonym = await erase(tenant, target);
    await runJob(tenant.tenantId);
    expect(reset.fired(), "the reset happened").toBe(true);
    const after = await archivedRows(tenant.tenantId);
    expect(after.size).toBe(planted.size);
    expectScrubbed(after, planted, target, pseudonym);
    await expectNowhereInR2(tenant.tenantId, target);
    const done = await (await tenantDb(tenant.tenantId))
      .prepare("SELECT metadata FROM audit_logs WHERE tenant_id = ? AND action = 'user.erase_archive'")
      .bind(tenant.tenantId)
      .first<{ metadata: string }>();
    const theirDays = [...planted.values()].filter((r) => r.user_id === target.userId).length;
    // The day whose rewrite reached R2 but not its checkpoint is clean when read again:
    // the counts (not the archive) miss it.
    const counts = JSON.parse(done?.metadata ?? "{}") as Record<string, number>;
    expect(counts.days_rewritten).toBeGreaterThanOrEqual(theirDays - 1);
    expect(counts.days_rewritten).toBeLessThanOrEqual(theirDays);
  });
});

describe("a person's data includes their archived audit rows", () => {
  it("a bounded number of days a page: the pages together hold each of their archived rows once", async () => {
    const tenant = await createTenant();
    const target = await person(tenant, "member");
    const admin = await person(tenant, "admin");
    const planted = await plantArchive(tenant.tenantId, target, admin.userId);
    const theirs = [...planted.values()].filter((r) => r.user_id === target.userId).map((r) => r.log_id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const res = await call(`/v1/users/${target.userId}/export${query}`, { token: tenant.ownerKey });
      expect(res.status, await res.clone().text()).toBe(200);
      const page = await json<{ records: Record<string, AuditLogRow[]>; next_cursor: string | null }>(res);
      const archived = page.records.archived_audit_logs ?? [];
      expect(archived.length, `page ${pages}: at most the limit`).toBeLessThanOrEqual(7);
      for (const row of archived) {
        expect(row.user_id, `page ${pages}: ${row.log_id} is theirs`).toBe(target.userId);
        seen.push(row.log_id);
      }
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor && pages < 100);
    expect(pages, "more than one page").toBeGreaterThan(Math.ceil(DAYS / ARCHIVE_DAYS_PER_PAGE));
    expect(new Set(seen).size, "each once").toBe(seen.length);
    expect(seen.sort()).toEqual(theirs.sort());
    // A cursor this route never gave is bad input.
    const bad = await call(
      `/v1/users/${target.userId}/export?cursor=${encodeCursor({ archived_audit_logs: JSON.stringify({ day: 1 }) })}`,
      { token: tenant.ownerKey },
    );
    expect(bad.status).toBe(400);
  });
});

describe("a person's erasure reaches what the object keeps, and their e-mail in any case", () => {
  it("their scheduled post's stored request and an audit row waiting for the shard name only the pseudonym", async () => {
    const { tenant, account } = await publishingTenant();
    const target = await person(tenant, "member");
    const scheduled = await call("/v1/posts", {
      token: target.session,
      headers: { "CF-Connecting-IP": PERSON_IP, "User-Agent": PERSON_AGENT },
      body: publishBody(account, {
        text: `Call ${mixedCase(target.email)} for a quote`,
        scheduled_at: new Date(Date.now() + 86_400_000).toISOString(),
      }),
    });
    expect(scheduled.status, await scheduled.clone().text()).toBe(202);
    const postId = (await json<{ id: string }>(scheduled)).id;
    const stored = async () =>
      (
        await objectRows<{ input: string }>(
          tenant.tenantId,
          "SELECT input FROM scheduled_posts WHERE request_id = ?",
          postId,
        )
      )[0]?.input ?? "";
    expect(await stored()).toContain(target.userId);
    expect(await stored()).toContain(PERSON_IP);
    // An audit row of theirs the shard has not taken yet.
    const kept = pendingAuditRow(
      {
        tenantId: tenant.tenantId,
        userId: target.userId,
        ip: PERSON_IP,
        userAgent: PERSON_AGENT,
        requestId: newId("post"),
      },
      { action: "user.note", resourceType: "user", resourceId: target.userId, metadata: { to: target.email } },
      new Date().toISOString(),
    );
    await tenantObjectOf(tenant.tenantId).keepAuditRows([kept]);

    const pseudonym = await erase(tenant, target);
    const input = await stored();
    expect(input, "still scheduled").not.toBe("");
    for (const value of [target.userId, PERSON_IP, PERSON_AGENT])
      expect(input.includes(value), `the stored request holds ${value}`).toBe(false);
    expect(input.toLowerCase()).not.toContain(target.email);
    const request = JSON.parse(input) as { actor: Record<string, unknown>; draft: { text: string } };
    expect(request.actor).toMatchObject({ userId: pseudonym, ip: null, userAgent: null });
    expect(request.draft.text).toBe("Call [erased] for a quote");
    const outbox = await objectRows<{ row_json: string }>(tenant.tenantId, "SELECT row_json FROM audit_outbox");
    for (const row of outbox) expect(row.row_json).not.toContain(target.userId);
    // The kept row reached the shard under the pseudonym, without address or browser.
    const written = await (await tenantDb(tenant.tenantId))
      .prepare("SELECT user_id, ip_address, user_agent, resource_id, metadata FROM audit_logs WHERE log_id = ?")
      .bind(kept.log_id)
      .first();
    expect(written).toEqual({
      user_id: pseudonym,
      ip_address: null,
      user_agent: null,
      resource_id: pseudonym,
      metadata: JSON.stringify({ to: "[erased]" }),
    });

    // When it comes due, the pseudonym is no active member: the post is held, never sent as theirs.
    await makeDue(tenant.tenantId, postId);
    await runAlarmNow(tenant.tenantId);
    const post = await call(`/v1/posts/${postId}`, { token: tenant.ownerKey });
    expect(await json(post)).toMatchObject({ status: "held", held_reason: "author_removed" });
  });

  it("their e-mail in upper or mixed case leaves every column of the shard", async () => {
    const tenant = await createTenant();
    const target = await person(tenant, "member");
    const db = await tenantDb(tenant.tenantId);
    const contentId = uniqueId("gen");
    await insertRow(db, "generated_content", {
      content_id: contentId,
      tenant_id: tenant.tenantId,
      intent_spec: JSON.stringify({ contact: target.email.toUpperCase(), cc: mixedCase(target.email) }),
      content_type: "text",
      text_content: `Ask ${target.email.toUpperCase()} or ${mixedCase(target.email)}, not ${target.email}x`,
    });
    await erase(tenant, target);
    const row = await db
      .prepare("SELECT intent_spec, text_content FROM generated_content WHERE content_id = ?")
      .bind(contentId)
      .first<{ intent_spec: string; text_content: string }>();
    expect(row?.text_content).toBe("Ask [erased] or [erased], not [erased]x");
    expect(JSON.parse(row?.intent_spec ?? "{}")).toEqual({ contact: "[erased]", cc: "[erased]" });
    // Nowhere, in any case: every text column of every table of the shard.
    const { results: tables } = await db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
      )
      .all<{ name: string }>();
    for (const { name } of tables) {
      const { results: columns } = await db
        .prepare("SELECT name FROM pragma_table_info(?)")
        .bind(name)
        .all<{ name: string }>();
      for (const column of columns) {
        const found = await db
          .prepare(`SELECT COUNT(*) AS n FROM "${name}" WHERE lower(CAST("${column.name}" AS TEXT)) LIKE ?`)
          .bind(`%${target.email}%`)
          .first<{ n: number }>();
        expect(found?.n, `${name}.${column.name}`).toBe(0);
      }
    }
  });
});
