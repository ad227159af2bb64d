// The pre-flight check of scheduled posts (objects/publishing/preflight.ts,
// docs/publishing.md "Pre-flight checks"): 15 minutes before a post's time and again at
// send time, a post that would fail is marked at risk with the reason (GET /v1/posts and
// /v1/posts/{id}, ?at_risk=true, the audit log), checked again while at risk, and cleared
// once the cause is fixed. GET /v1/social-accounts tells each token's outlook.
import { describe, expect, it } from "vitest";
import { apiVersionRisk } from "../../objects/publishing/preflight";
import { linkedInVersionFor } from "../../src/core/platforms/linkedin-version";
import {
  type ConnectedAccount,
  connectAccount,
  expectRedirect,
  publishBody,
  sandbox,
  sandboxUser,
  sandboxUserOf,
  toPlatform,
} from "../support/accounts";
import { TestBrowser } from "../support/browser";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { runTimerWhenDue } from "../support/object-hooks";
import { objectRows, passObjectTime } from "../support/object-time";
import { objectNow, runTimersNow } from "../support/objects";
import { approveAtSandbox } from "../support/sandbox-sign-in";
import { createTenant, type TestTenant } from "../support/tenants";

const MINUTE = 60_000;

interface AtRisk {
  code: string;
  reason: string;
  detected_at: string;
  checked_at: string;
}

async function schedule(tenant: TestTenant, account: ConnectedAccount, atMs: number, extra = {}): Promise<string> {
  const res = await call("/v1/posts", {
    token: tenant.ownerKey,
    body: publishBody(account, { scheduled_at: new Date(atMs).toISOString(), ...extra }),
  });
  expect(res.status, await res.clone().text()).toBe(202);
  return (await json<{ id: string }>(res)).id;
}

async function riskOf(tenant: TestTenant, id: string): Promise<AtRisk | null> {
  const post = await json<{ status: string; at_risk: AtRisk | null }>(
    await call(`/v1/posts/${id}`, { token: tenant.ownerKey }),
  );
  return post.at_risk;
}

async function atRiskList(tenant: TestTenant): Promise<string[]> {
  const page = await json<{ data: { id: string }[] }>(await call("/v1/posts?at_risk=true", { token: tenant.ownerKey }));
  return page.data.map((post) => post.id);
}

async function audits(tenant: TestTenant, id: string): Promise<string[]> {
  const { results } = await (await tenantDb(tenant.tenantId))
    .prepare("SELECT action FROM audit_logs WHERE resource_id = ? AND action LIKE 'post.at_risk%' ORDER BY timestamp")
    .bind(id)
    .all<{ action: string }>();
  return results.map((row) => row.action);
}

/**
 * The check 15 minutes ahead (or a re-check), as its time comes; posts due within a
 * second of each other (their times are kept to the millisecond) are checked together.
 */
async function checkNow(tenant: TestTenant): Promise<void> {
  await runTimerWhenDue(tenant.tenantId, "preflight");
  for (let more = 0; more < 5; more++) {
    const [next] = await objectRows<{ due_at_ms: number }>(
      tenant.tenantId,
      "SELECT due_at_ms FROM timers WHERE name = 'preflight'",
    );
    if (!next || next.due_at_ms > (await objectNow(tenant.tenantId)) + 1000) return;
    await runTimerWhenDue(tenant.tenantId, "preflight");
  }
}

describe.concurrent("the pre-flight check", () => {
  it("marks a post of a revoked account at risk 15 minutes ahead, lists and audits it, and clears it once reconnected", async () => {
    const tenant = await createTenant();
    const user = sandboxUser("pf");
    const account = await connectAccount(tenant.ownerKey, "linkedin", { loginHint: user });
    const id = await schedule(tenant, account, Date.now() + 3_600_000);
    // Nothing is checked before its time comes.
    expect(await riskOf(tenant, id)).toBeNull();
    // The platform refuses the refresh for good: the account is revoked.
    await sandbox("linkedin").expireAccessTokens(user);
    await sandbox("linkedin").addFault({ kind: "invalid_grant", endpoint: "refresh", user_id: user });
    expect((await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account) })).status).toBe(409);

    await checkNow(tenant);
    const risk = await riskOf(tenant, id);
    expect(risk).toMatchObject({ code: "reconnect_needed" });
    expect(risk?.reason).toMatch(/reconnect it/);
    expect(await atRiskList(tenant)).toEqual([id]);
    expect(await audits(tenant, id)).toEqual(["post.at_risk"]);
    // Checked at the post's time minus 15 minutes, on the object's clock.
    const post = await json<{ scheduled_at: string }>(await call(`/v1/posts/${id}`, { token: tenant.ownerKey }));
    const checkedAt = Date.parse(risk?.checked_at ?? "");
    expect(checkedAt).toBeGreaterThanOrEqual(Date.parse(post.scheduled_at) - 15 * MINUTE);
    expect(checkedAt).toBeLessThan(Date.parse(post.scheduled_at) - 14 * MINUTE);

    // Reconnected: the next check (every 5 minutes while at risk) clears it.
    await connectAccount(tenant.ownerKey, "linkedin", { loginHint: user });
    await checkNow(tenant);
    expect(await riskOf(tenant, id)).toBeNull();
    expect(await atRiskList(tenant)).toEqual([]);
    expect(await audits(tenant, id)).toEqual(["post.at_risk", "post.at_risk_cleared"]);
  });

  it("finds an account that did not grant what publishing needs", async () => {
    const tenant = await createTenant();
    // A member who grants less than was asked: no w_member_social.
    const started = await json<{ authorize_url: string }>(
      await call("/v1/social-accounts/linkedin/connect", {
        token: tenant.ownerKey,
        body: { login_hint: sandboxUser("sc") },
      }),
    );
    const browser = new TestBrowser();
    const atPlatform = await toPlatform(browser, started.authorize_url);
    atPlatform.searchParams.set("scope", "openid profile");
    const landed = await browser.open(await expectRedirect(await approveAtSandbox(browser, atPlatform)));
    const { accounts } = await json<{ accounts: { id: string; platform_user_id: string }[] }>(landed);
    const account = { id: accounts[0]?.id as string, platform: "linkedin" as const, platformUserId: "" };
    const id = await schedule(tenant, account, Date.now() + 3_600_000);
    await checkNow(tenant);
    expect(await riskOf(tenant, id)).toMatchObject({ code: "missing_scopes" });
    expect((await riskOf(tenant, id))?.reason).toContain("w_member_social");
  });

  it("finds media the platform will not take, from a HEAD of the URL", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    const fine = await schedule(tenant, account, Date.now() + 3_600_000, {
      image_url: "https://cdn.example.com/ok.png",
    });
    const svg = await schedule(tenant, account, Date.now() + 3_600_000, { image_url: "https://cdn.example.com/a.svg" });
    await checkNow(tenant);
    expect(await riskOf(tenant, fine)).toBeNull();
    const risk = await riskOf(tenant, svg);
    expect(risk).toMatchObject({ code: "media_refused" });
    expect(risk?.reason).toContain("image_url is served as image/svg+xml");
  });

  it("finds an Instagram token that lapses before the post's time and cannot be renewed by then", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "instagram", { tokenTtlSeconds: 3600 });
    const id = await schedule(tenant, account, Date.now() + 2 * 3_600_000);
    await checkNow(tenant);
    expect(await riskOf(tenant, id)).toMatchObject({ code: "token_expired" });
  });

  it("finds a window that will be full, 15 minutes ahead and again at send time", async () => {
    const tenant = await createTenant({ settings: { rate_limits: { twitter: { limit: 2, window_seconds: 3600 } } } });
    const account = await connectAccount(tenant.ownerKey, "twitter");
    const at = Date.now() + 40 * MINUTE;
    const ids = [await schedule(tenant, account, at), await schedule(tenant, account, at)];
    const later = await schedule(tenant, account, at + 10 * MINUTE);
    await checkNow(tenant);
    // Two slots an hour: the two posts first in line fit, the third would wait.
    for (const id of ids) expect(await riskOf(tenant, id), id).toBeNull();
    // Its own check comes 10 minutes later: until then nothing is said of it.
    expect(await riskOf(tenant, later)).toBeNull();
    await checkNow(tenant);
    expect(await riskOf(tenant, later)).toMatchObject({ code: "window_full" });

    // At send time: a post published meanwhile took a slot of the first two's window.
    const quiet = await createTenant({ settings: { rate_limits: { twitter: { limit: 1, window_seconds: 3600 } } } });
    const other = await connectAccount(quiet.ownerKey, "twitter");
    const id = await schedule(quiet, other, Date.now() + 30 * MINUTE);
    await checkNow(quiet);
    expect(await riskOf(quiet, id)).toBeNull();
    expect((await call("/v1/posts", { token: quiet.ownerKey, body: publishBody(other) })).status).toBe(201);
    await passObjectTime(quiet.tenantId, 16 * MINUTE);
    await runTimersNow(quiet.tenantId, ["publish-due"]);
    const risk = await riskOf(quiet, id);
    expect(risk).toMatchObject({ code: "window_full" });
    // Found when it came due, not 15 minutes before.
    const { scheduled_at } = await json<{ scheduled_at: string }>(
      await call(`/v1/posts/${id}`, { token: quiet.ownerKey }),
    );
    expect(Date.parse(risk?.checked_at ?? "")).toBeGreaterThanOrEqual(Date.parse(scheduled_at));
    expect(await sandbox("twitter").posts(sandboxUserOf(other))).toHaveLength(1);
  });
});

describe("the API version's sunset, on the object's clock", () => {
  it("flags a post due on or after the pinned LinkedIn version's sunset, not one before it", () => {
    // The production pin, 202605: LinkedIn serves it twelve months, until 2027-05-01.
    const sunset = Date.UTC(2027, 4, 1);
    expect(apiVersionRisk("202605", sunset - 1)).toBeNull();
    expect(apiVersionRisk("202605", sunset)).toMatchObject({ code: "api_version_sunset" });
    expect(apiVersionRisk("202605", sunset + 86_400_000)?.reason).toContain("until 2027-05-01T00:00:00.000Z");
    expect(apiVersionRisk("202605.01", sunset)).toMatchObject({ code: "api_version_sunset" });
    expect(apiVersionRisk("", sunset - 1)?.reason).toContain("not a LinkedIn version");
    // Development's unpinned version, the month before the post's time, never lapses.
    const due = Date.UTC(2031, 0, 15);
    expect(apiVersionRisk(linkedInVersionFor(due), due)).toBeNull();
  });
});

describe("GET /v1/social-accounts: each token's outlook", () => {
  it("says when a token expires and whether its next refresh is expected to work", async () => {
    const tenant = await createTenant();
    const linkedin = await connectAccount(tenant.ownerKey, "linkedin");
    const instagram = await connectAccount(tenant.ownerKey, "instagram", { tokenTtlSeconds: 3600 });
    const page = await json<{
      data: {
        id: string;
        token: {
          expires_at: string | null;
          refresh_expires_at: string | null;
          refresh_expected: string;
          reason: string | null;
        };
      }[];
    }>(await call("/v1/social-accounts", { token: tenant.ownerKey }));
    const byId = new Map(page.data.map((account) => [account.id, account.token]));
    const li = byId.get(linkedin.id);
    expect(li).toMatchObject({ refresh_expected: "ok", reason: null });
    // LinkedIn's refresh token: 365 days from the member's consent.
    expect(Date.parse(li?.refresh_expires_at ?? "") - Date.now()).toBeGreaterThan(364 * 86_400_000);
    const ig = byId.get(instagram.id);
    expect(ig).toMatchObject({ refresh_expected: "reconnect_needed" });
    expect(ig?.reason).toMatch(/24 hours old/);
  });
});
