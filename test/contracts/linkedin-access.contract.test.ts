// What a LinkedIn app may ask for and read, and when LinkedIn takes calls again, from
// both sides (exchange.ts):
// - r_member_postAnalytics (Community Management API, "Member Post Statistics") is asked
//   for only with LINKEDIN_POST_ANALYTICS on; off, posts still publish, nothing is read,
//   and the account lists the figures as unavailable, with why;
// - POST_SAVE is read where the version offers it (the 2026-03 page on);
// - the handle is the member's name (or id), never the email /v2/userinfo gives only
//   with the email scope ("Sign In with LinkedIn using OpenID Connect");
// - a 429 names no time: LinkedIn's daily limits reset at midnight UTC ("API Rate
//   Limiting"), so that is when it takes calls again;
// - a refresh token keeps the 365-day life of its first grant ("Refresh Tokens with
//   OAuth 2.0": day 59, 306 days left);
// - the version window, which the adapter and the sandbox each implement on their own.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { platformAdapter } from "../../src/core/platforms";
import { platformConfig } from "../../src/core/platforms/config";
import { PlatformError } from "../../src/core/platforms/errors";
import { LinkedInAdapter } from "../../src/core/platforms/linkedin";
import { nextUtcMidnight } from "../../src/core/platforms/linkedin-limits";
import { isActiveLinkedInVersion, linkedInVersionFor, offersPostSave } from "../../src/core/platforms/linkedin-version";
import { unavailableMetrics } from "../../src/core/platforms/metric-availability";
import { offersPostSave as sandboxOffersPostSave, servesVersion } from "../../src/core/sandbox/linkedin-versions";
import { connectAccount, expectRedirect, sandbox, sandboxUser, toPlatform } from "../support/accounts";
import { TestBrowser } from "../support/browser";
import { call, json, ORIGIN } from "../support/http";
import { objectNow } from "../support/objects";
import { publishingTenant } from "../support/outcomes";
import { approveAtSandbox } from "../support/sandbox-sign-in";
import { createTenant } from "../support/tenants";
import { recordingConfig, sandboxFetch, sandboxGrant } from "./exchange";

const SHARE = "urn:li:share:6844785523593134080";
const DAY_MS = 86_400_000;

/** A LinkedIn adapter of this (development) deployment with LINKEDIN_POST_ANALYTICS set to `value`. */
function adapterWith(value: "on" | "off") {
  return platformAdapter({ ...env, LINKEDIN_POST_ANALYTICS: value } as Env, "linkedin", ORIGIN);
}

function scopesOf(authorizeUrl: string): string[] {
  return (new URL(authorizeUrl).searchParams.get("scope") ?? "").split(" ");
}

describe("LinkedIn contract: member post statistics are configuration", () => {
  it("r_member_postAnalytics is asked for only with LINKEDIN_POST_ANALYTICS on", () => {
    const request = { state: "s", redirectUri: `${ORIGIN}/v1/oauth/linkedin/callback`, codeChallenge: null };
    expect(scopesOf(adapterWith("off").authorizeUrl(request))).toEqual(["openid", "profile", "w_member_social"]);
    expect(scopesOf(adapterWith("on").authorizeUrl(request))).toEqual([
      "openid",
      "profile",
      "w_member_social",
      "r_member_postAnalytics",
    ]);
  });

  it("off: a post publishes, and no figure is asked for", async () => {
    const grant = await sandboxGrant("linkedin", ["openid", "profile", "w_member_social"]);
    const adapter = adapterWith("off");
    expect(adapter.insightsBatch).toBe(0);
    const published = await adapter.publish(grant.tokens.accessToken, grant.platformUserId, {
      text: `Without statistics ${crypto.randomUUID()}`,
      imageUrl: null,
      videoUrl: null,
    });
    expect(published).toMatchObject({ platformPostId: expect.stringMatching(/^urn:li:share:/) });
    const before = (await sandbox("linkedin").counters(grant.user)).insights ?? 0;
    const urn = (published as { platformPostId: string }).platformPostId;
    expect(await adapter.insights(grant.tokens.accessToken, grant.platformUserId, [urn])).toEqual(new Map());
    expect((await sandbox("linkedin").counters(grant.user)).insights ?? 0).toBe(before);
  });

  it("the account lists what it cannot report, and why: every statistic off or without the scope, clicks always", () => {
    const names = (list: { metric: string }[]) => list.map((entry) => entry.metric);
    const approved = unavailableMetrics("linkedin", ["openid", "r_member_postAnalytics"], {
      linkedInPostAnalytics: true,
    });
    expect(names(approved)).toEqual(expect.arrayContaining(["clicks", "video_views"]));
    expect(names(approved)).not.toContain("impressions");
    const off = unavailableMetrics("linkedin", ["openid"], { linkedInPostAnalytics: false });
    const missing = unavailableMetrics("linkedin", ["openid"], { linkedInPostAnalytics: true });
    for (const [label, list, why] of [
      ["off", off, "LINKEDIN_POST_ANALYTICS"],
      ["without the scope", missing, "reconnect"],
    ] as const) {
      for (const metric of ["impressions", "reach", "likes", "comments", "shares", "saves"]) {
        expect(list.find((entry) => entry.metric === metric)?.reason, `${label}: ${metric}`).toContain(why);
      }
    }
  });

  it("GET /v1/social-accounts says it: an account connected without r_member_postAnalytics lists impressions, with why", async () => {
    const tenant = await createTenant();
    const approved = await connectAccount(tenant.ownerKey, "linkedin");
    // A member who grants less than was asked (the authorize URL's scope, narrowed).
    const started = await call("/v1/social-accounts/linkedin/connect", {
      token: tenant.ownerKey,
      body: { login_hint: sandboxUser("li") },
    });
    const { authorize_url } = await json<{ authorize_url: string }>(started);
    const browser = new TestBrowser();
    const atPlatform = await toPlatform(browser, authorize_url);
    atPlatform.searchParams.set("scope", "openid profile w_member_social");
    const callback = await expectRedirect(await approveAtSandbox(browser, atPlatform));
    const landed = await browser.open(callback.toString());
    expect(landed.status, await landed.clone().text()).toBe(201);
    const listed = await json<{
      data: { id: string; handle: string | null; unavailable_metrics: { metric: string; reason: string }[] }[];
    }>(await call("/v1/social-accounts?platform=linkedin", { token: tenant.ownerKey }));
    const byId = new Map(listed.data.map((account) => [account.id, account]));
    const full = byId.get(approved.id);
    expect(full?.unavailable_metrics.map((entry) => entry.metric)).toContain("clicks");
    expect(full?.unavailable_metrics.map((entry) => entry.metric)).not.toContain("impressions");
    const narrow = listed.data.find((account) => account.id !== approved.id);
    expect(narrow?.unavailable_metrics.find((entry) => entry.metric === "impressions")?.reason).toContain(
      "r_member_postAnalytics",
    );
    // The handle is no email address.
    for (const account of listed.data) expect(account.handle, account.id).not.toContain("@");
  });
});

describe("LinkedIn contract: POST_SAVE where the version offers it", () => {
  const COUNTS = { IMPRESSION: 100, MEMBERS_REACHED: 80, REACTION: 7, COMMENT: 3, RESHARE: 2, POST_SAVE: 5 };

  it.each([
    ["202605", true],
    ["202603", true],
    ["202602", false],
  ] as const)("version %s: POST_SAVE asked %s", async (version, asked) => {
    const { config, requests } = recordingConfig("linkedin", (request) => {
      const queryType = new URL(request.url).searchParams.get("queryType") as keyof typeof COUNTS;
      return Response.json({ paging: { start: 0, count: 10 }, elements: [{ count: COUNTS[queryType] }] });
    });
    config.apiVersion = version;
    config.linkedInPostAnalytics = true;
    const metrics = await new LinkedInAdapter(config).insights("tok", "abc", [SHARE]);
    const types = requests.map((r) => new URL(r.url).searchParams.get("queryType"));
    expect(types.includes("POST_SAVE")).toBe(asked);
    expect(metrics.get(SHARE)?.saves).toBe(asked ? 5 : 0);
    expect(offersPostSave(version)).toBe(sandboxOffersPostSave(version));
  });

  it("the sandbox answers POST_SAVE at a version that offers it, and refuses it at one that does not", async () => {
    const grant = await sandboxGrant("linkedin");
    const posted = await platformAdapter(env, "linkedin", ORIGIN).publish(
      grant.tokens.accessToken,
      grant.platformUserId,
      {
        text: `Saved ${crypto.randomUUID()}`,
        imageUrl: null,
        videoUrl: null,
      },
    );
    const urn = (posted as { platformPostId: string }).platformPostId;
    const ask = (version: string) =>
      sandboxFetch(
        "linkedin",
        `/rest/memberCreatorPostAnalytics?q=entity&entity=(share:${encodeURIComponent(urn)})&queryType=POST_SAVE&aggregation=TOTAL`,
        { headers: { Authorization: `Bearer ${grant.tokens.accessToken}`, "LinkedIn-Version": version } },
      );
    const current = linkedInVersionFor(Date.now());
    expect((await ask(current)).status === 200).toBe(offersPostSave(current));
    // A version released ten months ago, still served: before 2026-03 it has no POST_SAVE
    // (on dates from 2027-01 on, every served version has it).
    const today = new Date();
    const tenMonthsAgo = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 10, 1));
    const oldest = `${tenMonthsAgo.getUTCFullYear()}${String(tenMonthsAgo.getUTCMonth() + 1).padStart(2, "0")}`;
    expect((await ask(oldest)).status, oldest).toBe(offersPostSave(oldest) ? 200 : 400);
  });

  it("the adapter's version window and the sandbox's agree, month by month over five years", () => {
    const disagreements: string[] = [];
    for (let month = 0; month < 60; month++) {
      const now = Date.UTC(2024, month, 15, 12);
      for (let back = -3; back <= 14; back++) {
        const at = new Date(Date.UTC(2024, month - back, 1));
        const version = `${at.getUTCFullYear()}${String(at.getUTCMonth() + 1).padStart(2, "0")}`;
        for (const candidate of [version, `${version}.01`]) {
          if (isActiveLinkedInVersion(candidate, now) !== servesVersion(candidate, now)) {
            disagreements.push(`${candidate} on ${new Date(now).toISOString().slice(0, 10)}`);
          }
        }
      }
    }
    for (const garbage of ["", "2026", "202613", "202600", "latest", "2026-05", "20260501"]) {
      if (isActiveLinkedInVersion(garbage, Date.now()) !== servesVersion(garbage, Date.now()))
        disagreements.push(garbage);
    }
    expect(disagreements).toEqual([]);
  });
});

describe("LinkedIn contract: the handle", () => {
  it("the adapter takes the name (or the id), never the email /v2/userinfo may carry", async () => {
    for (const [profile, handle] of [
      [{ sub: "782bbtaQ", name: "John Doe", email: "doe@email.com" }, "John Doe"],
      [{ sub: "782bbtaQ", email: "doe@email.com" }, "782bbtaQ"],
    ] as const) {
      const { config } = recordingConfig("linkedin", (request) =>
        new URL(request.url).pathname === "/oauth/v2/accessToken"
          ? Response.json({ access_token: "at", expires_in: 5_184_000, scope: "openid,profile,w_member_social" })
          : Response.json(profile),
      );
      const [identity] = await new LinkedInAdapter(config).connect("code", `${ORIGIN}/v1/oauth/linkedin/callback`);
      expect(identity?.handle, JSON.stringify(profile)).toBe(handle);
      expect(identity?.platformUserId).toBe("782bbtaQ");
    }
  });

  it("the sandbox gives the email claims only with the email scope", async () => {
    const userinfo = async (scopes: string[]) => {
      const grant = await sandboxGrant("linkedin", scopes);
      const res = await sandboxFetch("linkedin", "/v2/userinfo", {
        headers: { Authorization: `Bearer ${grant.tokens.accessToken}` },
      });
      expect(res.status).toBe(200);
      return (await res.json()) as Record<string, unknown>;
    };
    const plain = await userinfo(["openid", "profile", "w_member_social"]);
    expect(plain).toMatchObject({ sub: expect.any(String), name: expect.any(String) });
    expect(plain).not.toHaveProperty("email");
    expect(await userinfo(["openid", "profile", "email"])).toMatchObject({ email: expect.stringContaining("@") });
  });
});

describe("LinkedIn contract: a 429 holds until midnight UTC", () => {
  it("the adapter: a 429 without Retry-After resets at the next midnight UTC on its clock; with one, as it says", async () => {
    const now = Date.parse("2026-03-10T15:30:00Z");
    const answer = (headers: HeadersInit) => () =>
      Response.json({ status: 429, message: "Resource level throttle limit reached" }, { status: 429, headers });
    for (const [headers, expected] of [
      [{}, { resetAtMs: Date.parse("2026-03-11T00:00:00Z") }],
      [{ "Retry-After": "120" }, { retryAfterSeconds: 120 }],
    ] as const) {
      const { config } = recordingConfig("linkedin", answer(headers));
      config.clock = () => now;
      const refused = await new LinkedInAdapter(config)
        .publish("tok", "abc", { text: "x", imageUrl: null, videoUrl: null })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(PlatformError);
      expect(refused, JSON.stringify(headers)).toMatchObject({ kind: "rate_limited", details: expected });
    }
    expect(nextUtcMidnight(Date.parse("2026-12-31T23:59:59Z"))).toBe(Date.parse("2027-01-01T00:00:00Z"));
    expect(nextUtcMidnight(Date.parse("2026-03-10T00:00:00Z"))).toBe(Date.parse("2026-03-11T00:00:00Z"));
  });

  it("the sandbox throttles without Retry-After, and the post is refused until midnight UTC on the object's clock", async () => {
    const { tenant, key, account } = await publishingTenant();
    const user = account.platformUserId;
    await sandbox("linkedin").addFault({ kind: "rate_limit_429", endpoint: "publish", user_id: user });
    const res = await call("/v1/posts", {
      token: key,
      body: { account_id: account.id, text: `Throttled ${crypto.randomUUID()}` },
    });
    expect(res.status, await res.clone().text()).toBe(429);
    const now = await objectNow(tenant.tenantId);
    const untilMidnight = Math.ceil((nextUtcMidnight(now) - now) / 1000);
    const retryAfter = Number(res.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(untilMidnight - 60);
    expect(retryAfter).toBeLessThanOrEqual(untilMidnight + 1);
    // The sandbox's own answer named no time.
    const grant = await sandboxGrant("linkedin");
    await sandbox("linkedin").addFault({ kind: "rate_limit_429", endpoint: "profile", user_id: grant.user });
    const throttled = await sandboxFetch("linkedin", "/v2/userinfo", {
      headers: { Authorization: `Bearer ${grant.tokens.accessToken}` },
    });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("Retry-After")).toBeNull();
  });
});

describe("LinkedIn contract: a refresh token keeps its first 365-day life", () => {
  it("refreshed on day 100 it has 265 days left, and on day 366 it is dead (invalid_grant)", async () => {
    const grant = await sandboxGrant("linkedin");
    const adapter = new LinkedInAdapter(platformConfig(env, "linkedin", ORIGIN));
    const granted = grant.tokens.refreshTokenExpiresAt?.getTime() ?? 0;
    expect(Math.abs(granted - Date.now() - 365 * DAY_MS)).toBeLessThan(DAY_MS);
    await sandbox("linkedin").advanceClock(100 * DAY_MS);
    const refreshed = await adapter.refresh({ refreshToken: grant.tokens.refreshToken });
    // The same refresh token, with what is left of its life: 265 days (the sandbox's clock is 100 days on).
    expect(refreshed.refreshToken).toBe(grant.tokens.refreshToken);
    const left = (refreshed.refreshTokenExpiresAt?.getTime() ?? 0) - Date.now();
    expect(Math.abs(left - 265 * DAY_MS)).toBeLessThan(DAY_MS);
    // A new access token lives 60 days, no longer than its grant.
    expect(Math.abs((refreshed.expiresAt?.getTime() ?? 0) - Date.now() - 60 * DAY_MS)).toBeLessThan(DAY_MS);
    await sandbox("linkedin").advanceClock(266 * DAY_MS);
    const dead = await adapter.refresh({ refreshToken: grant.tokens.refreshToken }).catch((error: unknown) => error);
    expect(dead).toBeInstanceOf(PlatformError);
    expect((dead as PlatformError).kind).toBe("invalid_grant");
  });
});
