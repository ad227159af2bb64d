// A person's rights in a tenant (docs/privacy.md, "A person's rights"): their data, to
// themselves, an owner or an admin, a page at a time; their erasure, after which their
// e-mail is in no column of the tenant's shard, their sessions, keys and tickets are
// ended, and the audit trail still counts every action, under a pseudonym. The last
// owner cannot be erased.
import { describe, expect, it } from "vitest";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { ticketFor } from "../support/live";
import { objectRows } from "../support/object-time";
import { tenantObjectOf } from "../support/objects";
import { insertAccount, insertRow, uniqueId } from "../support/rows";
import { auditCount, createKey, createTenant, login, PASSWORD, type TestTenant } from "../support/tenants";

interface Person {
  userId: string;
  email: string;
  name: string;
  session: string;
}

/** A user of `role` with a full name, signed in. */
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

interface PersonData {
  user_id: string;
  profile: Record<string, unknown> | null;
  memberships: { role: string }[] | null;
  sessions: { started_at: string; expires_at: string }[] | null;
  records: Record<string, Record<string, unknown>[]>;
  withheld: { table: string; column: string }[];
  next_cursor: string | null;
}

async function personData(token: string, userId: string, query = ""): Promise<PersonData> {
  const res = await call(`/v1/users/${userId}/export${query}`, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<PersonData>(res);
}

/** A publish request the person asked for, planted (its text naming their e-mail when given). */
async function plantRequest(tenantId: string, userId: string, text = "Rebar, next day"): Promise<string> {
  const db = await tenantDb(tenantId);
  const accountId = await insertAccount(tenantId);
  const id = uniqueId("post");
  const now = new Date().toISOString();
  await insertRow(db, "publish_requests", {
    request_id: id,
    tenant_id: tenantId,
    account_id: accountId,
    platform: "linkedin",
    status: "failed",
    text,
    requested_by: userId,
    created_at: now,
    updated_at: now,
  });
  return id;
}

async function auditRowsOf(tenantId: string, userId: string): Promise<number> {
  const row = await (await tenantDb(tenantId))
    .prepare("SELECT COUNT(*) AS n FROM audit_logs WHERE tenant_id = ? AND user_id = ?")
    .bind(tenantId, userId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Every column of every table of the tenant's shard holding `needle`, as "table.column (n)". */
async function columnsHolding(tenantId: string, needle: string): Promise<string[]> {
  const db = await tenantDb(tenantId);
  const { results: tables } = await db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
    )
    .all<{ name: string }>();
  const columns: { t: string; c: string }[] = [];
  for (const { name } of tables) {
    const { results } = await db.prepare("SELECT name FROM pragma_table_info(?)").bind(name).all<{ name: string }>();
    for (const column of results) columns.push({ t: name, c: column.name });
  }
  const found: string[] = [];
  for (const { t, c } of columns) {
    const row = await db
      .prepare(`SELECT COUNT(*) AS n FROM "${t}" WHERE instr(CAST("${c}" AS TEXT), ?) > 0`)
      .bind(needle)
      .first<{ n: number }>();
    if (row && row.n > 0) found.push(`${t}.${c} (${row.n})`);
  }
  return found;
}

describe("a person's data", () => {
  it("is theirs to read, and an owner's or admin's; no other member's; another tenant's answers 404", async () => {
    const tenant = await createTenant();
    const member = await person(tenant, "member");
    const other = await person(tenant, "member");
    const admin = await person(tenant, "admin");
    const key = await createKey(member.session, { scopes: ["read:posts"] });
    const request = await plantRequest(tenant.tenantId, member.userId);

    const own = await personData(member.session, member.userId);
    expect(own.profile?.email).toBe(member.email);
    expect(own.profile?.full_name).toBe(member.name);
    for (const secret of ["password_hash", "mfa_secret"])
      expect(Object.keys(own.profile ?? {}), secret).not.toContain(secret);
    expect(own.memberships?.map((m) => m.role)).toEqual(["member"]);
    expect(own.sessions?.length).toBe(1);
    expect(own.records.api_keys?.map((k) => k.key_id)).toEqual([key.id]);
    expect(Object.keys(own.records.api_keys?.[0] ?? {})).not.toContain("key_hash");
    expect(own.records.publish_requests?.map((r) => r.request_id)).toEqual([request]);
    const actions = own.records.audit_logs?.map((r) => r.action) ?? [];
    expect(actions, "their key's creation").toContain("api_key.create");
    for (const [i, row] of (own.records.audit_logs ?? []).entries())
      expect(row.user_id, `audit row ${i}`).toBe(member.userId);
    expect(own.withheld.map((w) => `${w.table}.${w.column}`)).toContain("api_keys.key_hash");

    expect((await call(`/v1/users/${member.userId}/export`, { token: tenant.ownerKey })).status).toBe(200);
    expect((await call(`/v1/users/${member.userId}/export`, { token: admin.session })).status).toBe(200);
    const refused = await call(`/v1/users/${member.userId}/export`, { token: other.session });
    expect(refused.status).toBe(403);
    const stranger = await createTenant();
    expect((await call(`/v1/users/${member.userId}/export`, { token: stranger.ownerKey })).status).toBe(404);
  });

  it("comes a page at a time: the pages together hold each of their audit rows once", async () => {
    const tenant = await createTenant();
    const member = await person(tenant, "member");
    for (let i = 0; i < 4; i++) await createKey(member.session, { scopes: ["read:posts"] });
    // Read by the owner: the member's own reads would add rows of theirs while paging.
    const seen: string[] = [];
    const keys: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: PersonData = await personData(
        tenant.ownerKey,
        member.userId,
        `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      expect(page.profile === null, `page ${pages}: the profile on the first page only`).toBe(pages > 0);
      for (const row of page.records.audit_logs ?? []) seen.push(String(row.log_id));
      for (const row of page.records.api_keys ?? []) keys.push(String(row.key_id));
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor && pages < 50);
    expect(pages).toBeGreaterThan(2);
    expect(new Set(seen).size, "each once").toBe(seen.length);
    expect(seen.length).toBe(await auditRowsOf(tenant.tenantId, member.userId));
    expect(keys.length).toBe(4);
  });
});

describe("a person's erasure", () => {
  it("by an admin: their e-mail nowhere in the shard, access ended, every audit row kept under a pseudonym", async () => {
    const tenant = await createTenant();
    const admin = await person(tenant, "admin");
    const member = await person(tenant, "member");
    const db = await tenantDb(tenant.tenantId);
    const key = await createKey(member.session, { scopes: ["read:posts"] });
    const ticket = await ticketFor(member.session);
    // A wrong password at their account: the sign-in throttle keeps their e-mail.
    const wrong = await call("/v1/auth/login", {
      body: { tenant_id: tenant.tenantId, email: member.email, password: "not the password at all" },
    });
    expect(wrong.status).toBe(401);
    // Their e-mail and name where people put them: audit metadata, content, a post's text.
    await insertRow(db, "audit_logs", {
      log_id: uniqueId("log"),
      tenant_id: tenant.tenantId,
      user_id: admin.userId,
      action: "user.note",
      resource_type: "user",
      resource_id: member.userId,
      metadata: JSON.stringify({ email: member.email, name: member.name }),
      error_message: `mail ${member.email} bounced`,
      timestamp: new Date().toISOString(),
    });
    await insertRow(db, "generated_content", {
      content_id: uniqueId("gen"),
      tenant_id: tenant.tenantId,
      intent_spec: JSON.stringify({ contact: member.email }),
      content_type: "text",
      text_content: `Ask ${member.email} for a quote`,
    });
    await plantRequest(tenant.tenantId, member.userId, `Write to ${member.email}`);
    expect((await columnsHolding(tenant.tenantId, member.email)).length).toBeGreaterThan(3);

    const theirs = await auditRowsOf(tenant.tenantId, member.userId);
    expect(theirs).toBeGreaterThan(0);
    const before = await auditCount(tenant.tenantId);
    const res = await call(`/v1/users/${member.userId}/erase`, { method: "POST", token: admin.session });
    expect(res.status, await res.clone().text()).toBe(200);
    const erased = await json<{ pseudonym: string; sessions_ended: number }>(res);
    expect(erased.pseudonym).toMatch(/^erased_[0-9a-f]{26}$/);
    expect(erased.sessions_ended).toBe(1);

    // The trail counts every action: theirs under the pseudonym, and one more, the erasure's.
    expect(await auditCount(tenant.tenantId)).toBe(before + 1);
    expect(await auditRowsOf(tenant.tenantId, member.userId)).toBe(0);
    expect(await auditRowsOf(tenant.tenantId, erased.pseudonym)).toBe(theirs);
    const addressed = await db
      .prepare(
        "SELECT COUNT(*) AS n FROM audit_logs WHERE user_id = ? AND (ip_address IS NOT NULL OR user_agent IS NOT NULL)",
      )
      .bind(erased.pseudonym)
      .first<{ n: number }>();
    expect(addressed?.n, "their rows keep no address or browser").toBe(0);
    const row = await db
      .prepare("SELECT user_id, action, resource_id FROM audit_logs WHERE tenant_id = ? AND action = 'user.erase'")
      .bind(tenant.tenantId)
      .first<{ user_id: string; resource_id: string }>();
    expect(row).toMatchObject({ user_id: admin.userId, resource_id: erased.pseudonym });

    // Nowhere in the shard: not their e-mail, not their name, not their id in the trail.
    expect(await columnsHolding(tenant.tenantId, member.email)).toEqual([]);
    expect(await columnsHolding(tenant.tenantId, member.name)).toEqual([]);
    const user = await db.prepare("SELECT * FROM users WHERE user_id = ?").bind(member.userId).first();
    expect(user).toMatchObject({ status: "deleted", email: `${erased.pseudonym}@erased.invalid`, full_name: null });
    // Nor in the object's sign-in throttle.
    const throttled = await objectRows(
      tenant.tenantId,
      "SELECT subject AS s FROM login_attempts WHERE subject LIKE ? UNION ALL SELECT account FROM login_failures WHERE account LIKE ?",
      `%${member.email}%`,
      `%${member.email}%`,
    );
    expect(throttled).toEqual([]);

    // Access ended: session, key and live ticket.
    expect((await call("/v1/me", { token: member.session })).status).toBe(401);
    expect((await call("/v1/posts", { token: key.key })).status).toBe(401);
    expect(await tenantObjectOf(tenant.tenantId).redeemLiveTicket(ticket.ticket)).toBeNull();
    expect((await call(`/v1/users/${member.userId}`, { token: tenant.ownerKey })).status).toBe(404);

    // Again: the same pseudonym. Their revoked key's refusal just now was audited as a
    // security event under their id; a repeat puts the pseudonym there too.
    const refusals = await auditRowsOf(tenant.tenantId, member.userId);
    expect(refusals, "the refused key").toBe(1);
    const again = await call(`/v1/users/${member.userId}/erase`, { method: "POST", token: admin.session });
    expect(again.status).toBe(200);
    expect((await json<{ pseudonym: string }>(again)).pseudonym).toBe(erased.pseudonym);
    expect(await auditRowsOf(tenant.tenantId, erased.pseudonym)).toBe(theirs + refusals);
    expect(await auditRowsOf(tenant.tenantId, member.userId)).toBe(0);
  });

  it("by the person themselves: the erasure's own row names only the pseudonym", async () => {
    const tenant = await createTenant();
    const member = await person(tenant, "member");
    const res = await call(`/v1/users/${member.userId}/erase`, {
      method: "POST",
      token: member.session,
      headers: { "CF-Connecting-IP": "203.0.113.7" },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const { pseudonym } = await json<{ pseudonym: string }>(res);
    const row = await (await tenantDb(tenant.tenantId))
      .prepare("SELECT user_id, ip_address, user_agent FROM audit_logs WHERE tenant_id = ? AND action = 'user.erase'")
      .bind(tenant.tenantId)
      .first();
    expect(row).toEqual({ user_id: pseudonym, ip_address: null, user_agent: null });
    expect(await columnsHolding(tenant.tenantId, member.email)).toEqual([]);
    expect(await columnsHolding(tenant.tenantId, "203.0.113.7")).toEqual([]);
  });

  it("refuses the last owner (409) and changes nothing; a second owner may be erased", async () => {
    const tenant = await createTenant();
    const session = await login(tenant.tenantId, tenant.ownerEmail);
    const db = await tenantDb(tenant.tenantId);
    const owner = () => db.prepare("SELECT * FROM users WHERE user_id = ?").bind(tenant.ownerId).first();
    const rowBefore = await owner();
    const theirs = await auditRowsOf(tenant.tenantId, tenant.ownerId);
    const refused = await call(`/v1/users/${tenant.ownerId}/erase`, { method: "POST", token: session });
    expect(refused.status, await refused.clone().text()).toBe(409);
    expect(await owner()).toEqual(rowBefore);
    // Their rows stay theirs (and the refusal is audited as theirs).
    expect(await auditRowsOf(tenant.tenantId, tenant.ownerId)).toBe(theirs + 1);
    expect((await call("/v1/me", { token: session })).status).toBe(200);

    const second = await person(tenant, "owner");
    const ok = await call(`/v1/users/${second.userId}/erase`, { method: "POST", token: session });
    expect(ok.status, await ok.clone().text()).toBe(200);
  });

  it("is refused to an admin for an owner, to a member for another member, and to an API key", async () => {
    const tenant = await createTenant();
    const admin = await person(tenant, "admin");
    const member = await person(tenant, "member");
    const other = await person(tenant, "member");
    const erase = (id: string, token: string) => call(`/v1/users/${id}/erase`, { method: "POST", token });
    expect((await erase(tenant.ownerId, admin.session)).status).toBe(403);
    expect((await erase(other.userId, member.session)).status).toBe(403);
    expect((await erase(member.userId, tenant.ownerKey)).status).toBe(403);
    const stranger = await createTenant();
    expect((await erase(member.userId, await login(stranger.tenantId, stranger.ownerEmail))).status).toBe(404);
    // Nothing of theirs changed: their row still holds their e-mail, and they still sign in.
    expect(await columnsHolding(tenant.tenantId, member.email)).toEqual(["users.email (1)"]);
    expect((await call("/v1/me", { token: member.session })).status).toBe(200);
  });
});
