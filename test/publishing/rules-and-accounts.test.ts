// Each platform's rules, the OAuth state, disconnection, and tokens at rest.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { SandboxPlatform } from "../../objects/sandbox-platform";
import {
  completeInBrowser,
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
import { approveAtSandbox } from "../support/sandbox-sign-in";
import { createTenant } from "../support/tenants";

async function fieldsOf(res: Response): Promise<string[]> {
  expect(res.status).toBe(400);
  return (await json<{ errors: { field: string }[] }>(res)).errors.map((e) => e.field);
}

describe("platform rules", () => {
  it("X counts 280 weighted characters (CJK counts double, links 23)", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "twitter");
    const post = (text: string) =>
      call("/v1/posts", { token: tenant.ownerKey, body: { account_id: account.id, text } });
    expect(await fieldsOf(await post("x".repeat(281)))).toEqual(["text"]);
    expect(await fieldsOf(await post("漢".repeat(141)))).toEqual(["text"]);
    expect((await post(`${"y".repeat(256)} https://example.com/${"z".repeat(100)}`)).status).toBe(201);
    expect(await sandbox("twitter").posts(sandboxUserOf(account))).toHaveLength(1);
  });

  it("Instagram needs an image or a video; a post takes an image or a video, not both; hashtags are words", async () => {
    const tenant = await createTenant();
    const instagram = await connectAccount(tenant.ownerKey, "instagram");
    const linkedin = await connectAccount(tenant.ownerKey, "linkedin");
    expect(
      await fieldsOf(
        await call("/v1/posts", { token: tenant.ownerKey, body: { account_id: instagram.id, text: "No media" } }),
      ),
    ).toEqual(["image_url"]);
    expect(
      await fieldsOf(
        await call("/v1/posts", {
          token: tenant.ownerKey,
          body: {
            account_id: linkedin.id,
            text: "Video",
            image_url: "https://cdn.example.com/v.jpg",
            video_url: "https://cdn.example.com/v.mp4",
          },
        }),
      ),
    ).toEqual(["video_url"]);
    expect(
      await fieldsOf(
        await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(linkedin, { hashtags: ["two words"] }) }),
      ),
    ).toEqual(["hashtags.0"]);
    expect(await sandbox("instagram").counters(sandboxUserOf(instagram))).not.toHaveProperty("publish");
  });

  it("media URLs are https only, checked at the edge (400 naming the field, nothing sent)", async () => {
    const tenant = await createTenant();
    const instagram = await connectAccount(tenant.ownerKey, "instagram");
    for (const [field, url] of [
      ["image_url", "http://cdn.example.com/rebar.jpg"],
      ["video_url", "http://cdn.example.com/reel.mp4"],
      ["image_url", `https://cdn.example.com/${"a".repeat(2100)}.jpg`],
    ] as const) {
      const res = await call("/v1/posts", {
        token: tenant.ownerKey,
        body: { account_id: instagram.id, text: "Media", [field]: url },
      });
      expect(await fieldsOf(res)).toEqual([field]);
    }
    expect(await sandbox("instagram").counters(sandboxUserOf(instagram))).not.toHaveProperty("publish");
  });

  it("an Instagram video goes through a container that processes: answered 202 processing", async () => {
    // The rest of its life (polled on the alarm, published later): test/platforms/instagram-video.test.ts.
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "instagram");
    const res = await call("/v1/posts", {
      token: tenant.ownerKey,
      body: { account_id: account.id, text: "Reel", video_url: "https://cdn.example.com/reel.mp4" },
    });
    expect(res.status).toBe(202);
    expect(await json(res)).toMatchObject({ status: "processing" });
  });

  it("UTM parameters tag the links in the text", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "facebook");
    const res = await call("/v1/posts", {
      token: tenant.ownerKey,
      body: publishBody(account, {
        text: "New stock: https://nextdaysteel.co.uk/rebar.",
        campaign_id: "winter",
        utm_params: { source: "facebook", medium: "social", campaign: "winter" },
      }),
    });
    const post = await json<{ text: string; campaign_id: string }>(res);
    expect(post.text).toBe(
      "New stock: https://nextdaysteel.co.uk/rebar?utm_source=facebook&utm_medium=social&utm_campaign=winter.",
    );
    expect(post.campaign_id).toBe("winter");
  });

  it("an account of another tenant answers 404 and nothing is sent", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const accountOfB = await connectAccount(b.ownerKey, "linkedin");
    const res = await call("/v1/posts", { token: a.ownerKey, body: publishBody(accountOfB) });
    expect(res.status).toBe(404);
    expect(await sandbox("linkedin").counters(sandboxUserOf(accountOfB))).not.toHaveProperty("publish");
  });
});

describe("the OAuth state", () => {
  it("is good once", async () => {
    const tenant = await createTenant();
    const started = await json<{ authorize_url: string }>(
      await call("/v1/social-accounts/linkedin/connect", {
        token: tenant.ownerKey,
        body: { login_hint: sandboxUser("st") },
      }),
    );
    const browser = new TestBrowser();
    const atPlatform = await toPlatform(browser, started.authorize_url);
    const callback = await expectRedirect(await approveAtSandbox(browser, atPlatform));
    expect((await browser.open(callback)).status).toBe(201);
    const replay = await browser.open(callback);
    expect(await fieldsOf(replay)).toEqual(["state"]);
  });

  it("is refused when forged, or for another platform", async () => {
    const tenant = await createTenant();
    const started = await json<{ state: string; authorize_url: string }>(
      await call("/v1/social-accounts/twitter/connect", { method: "POST", token: tenant.ownerKey }),
    );
    const browser = new TestBrowser();
    expect(await fieldsOf(await browser.open(`/v1/oauth/linkedin/start?state=${started.state}`))).toEqual(["state"]);
    await toPlatform(browser, started.authorize_url);
    expect(await fieldsOf(await browser.open(`/v1/oauth/linkedin/callback?code=x&state=${started.state}`))).toEqual([
      "state",
    ]);
    const forged = `${tenant.tenantId}.${"A".repeat(43)}`;
    expect(await fieldsOf(await browser.open(`/v1/oauth/twitter/start?state=${forged}`))).toEqual(["state"]);
    expect(await fieldsOf(await browser.open(`/v1/oauth/twitter/callback?code=x&state=${forged}`))).toEqual(["state"]);
  });

  it("reports a refusal by the user", async () => {
    const tenant = await createTenant();
    const { state, authorize_url } = await json<{ state: string; authorize_url: string }>(
      await call("/v1/social-accounts/facebook/connect", { method: "POST", token: tenant.ownerKey }),
    );
    const browser = new TestBrowser();
    await toPlatform(browser, authorize_url);
    const res = await browser.open(
      `/v1/oauth/facebook/callback?state=${state}&error=access_denied&error_description=User%20said%20no`,
    );
    expect(await fieldsOf(res)).toEqual(["code"]);
  });

  it("can send the browser back to a page of the site", async () => {
    const tenant = await createTenant();
    const { authorize_url } = await json<{ authorize_url: string }>(
      await call("/v1/social-accounts/instagram/connect", {
        token: tenant.ownerKey,
        body: { return_to: "/#accounts" },
      }),
    );
    const landed = await completeInBrowser(new TestBrowser(), authorize_url);
    expect(landed.status).toBe(303);
    expect(landed.headers.get("Location")).toMatch(/^\/\?connected=acc_[0-9A-Z]{26}#accounts$/);
  });
});

describe("social accounts", () => {
  it("reconnecting keeps the account id and makes it active again", async () => {
    const tenant = await createTenant();
    const user = sandboxUser("re");
    const first = await connectAccount(tenant.ownerKey, "linkedin", { loginHint: user });
    await call(`/v1/social-accounts/${first.id}`, { method: "DELETE", token: tenant.ownerKey });
    const second = await connectAccount(tenant.ownerKey, "linkedin", { loginHint: user });
    expect(second.id).toBe(first.id);
    expect((await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(second) })).status).toBe(201);
  });

  it("disconnected: tokens erased, scheduled posts cancelled, publishing refused", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "twitter");
    const { id } = await json<{ id: string }>(
      await call("/v1/posts", {
        token: tenant.ownerKey,
        body: publishBody(account, { scheduled_at: new Date(Date.now() + 3_600_000).toISOString() }),
      }),
    );
    const res = await call(`/v1/social-accounts/${account.id}`, { method: "DELETE", token: tenant.ownerKey });
    expect((await json<{ status: string }>(res)).status).toBe("revoked");
    const row = await (await tenantDb(tenant.tenantId))
      .prepare(
        "SELECT length(access_token_encrypted) AS n, refresh_token_encrypted FROM social_accounts WHERE account_id = ?",
      )
      .bind(account.id)
      .first<{ n: number; refresh_token_encrypted: unknown }>();
    expect(row).toEqual({ n: 0, refresh_token_encrypted: null });
    expect((await json<{ status: string }>(await call(`/v1/posts/${id}`, { token: tenant.ownerKey }))).status).toBe(
      "cancelled",
    );
    expect((await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account) })).status).toBe(409);
  });

  it("keep their tokens encrypted: no D1 value holds a token the platform issued", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "twitter");
    const issued = await runInDurableObject(sandbox("twitter"), (_instance: SandboxPlatform, state) =>
      state.storage.sql
        .exec<{ token: string }>("SELECT token FROM tokens WHERE user_id = ?", sandboxUserOf(account))
        .toArray()
        .map((r) => r.token),
    );
    expect(issued.length).toBeGreaterThanOrEqual(2);
    const row = await (await tenantDb(tenant.tenantId))
      .prepare("SELECT * FROM social_accounts WHERE account_id = ?")
      .bind(account.id)
      .first();
    const dump = JSON.stringify(row, (_k, v) =>
      v instanceof ArrayBuffer ? String.fromCharCode(...new Uint8Array(v)) : v,
    );
    for (const token of issued) expect(dump).not.toContain(token);
    const listed = await call("/v1/social-accounts", { token: tenant.ownerKey });
    const text = await listed.text();
    for (const token of issued) expect(text).not.toContain(token);
  });

  it("key rotation re-encrypts their tokens, and publishing goes on", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    const session = (
      await json<{ token: string }>(
        await call("/v1/auth/login", {
          body: { tenant_id: tenant.tenantId, email: tenant.ownerEmail, password: "correct horse battery staple" },
        }),
      )
    ).token;
    const rotated = await json<{ reencrypted: Record<string, number> }>(
      await call("/v1/tenant/rotate-key", { method: "POST", token: session }),
    );
    expect(rotated.reencrypted).toMatchObject({
      "social_accounts.access_token_encrypted": 1,
      "social_accounts.refresh_token_encrypted": 1,
    });
    await sandbox("linkedin").expireAccessTokens(sandboxUserOf(account));
    expect((await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account) })).status).toBe(201);
  });
});

describe("POST /v1/posts answers for the credential first", () => {
  it("a bad credential is 401 and a viewer 403, even with a body that does not validate", async () => {
    const tenant = await createTenant();
    const viewerKey = await (async () => {
      const res = await call("/v1/api-keys", { token: tenant.ownerKey, body: { scopes: ["read:posts"] } });
      return ((await res.json()) as { key: string }).key;
    })();
    const bad = { account_id: "nope", text: "" };
    expect(
      (await call("/v1/posts", { token: "dify_abcdefghijkl_abcdefghijklmnopqrstuvwxyz234567", body: bad })).status,
    ).toBe(401);
    expect((await call("/v1/posts", { body: bad })).status).toBe(401);
    const noScope = await call("/v1/posts", { token: viewerKey, body: bad });
    expect(noScope.status).toBe(403);
    expect(((await noScope.json()) as { detail: string }).detail).toContain("publish");
    expect((await call("/v1/posts", { token: tenant.ownerKey, body: bad })).status).toBe(400);
  });
});
