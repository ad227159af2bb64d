// Outcomes reconciled with the platform (objects/publishing/reconcile.ts,
// docs/publishing.md "Reconciliation"): a publish whose outcome was not learned is
// answered 202 "unknown", and the object asks the platform whether the post exists
// before anything is sent again. Each case has its own tenant and sandbox user.
import { describe, expect, it } from "vitest";
import type { Platform } from "../../src/core/platforms/types";
import { connectAccount, publishBody, sandbox, sandboxUserOf } from "../support/accounts";
import { call, json } from "../support/http";
import { auditRows, platformPosts, type ReadPost, readPost, reconcileNow, recordedIdOf } from "../support/reconcile";
import { createTenant } from "../support/tenants";

const PLATFORMS: Platform[] = ["twitter", "linkedin", "facebook", "instagram"];

/** How each platform's reconciliation finds a post the sandbox created: LinkedIn lists nothing to the app. */
const FOUND_BY: Record<Platform, "found" | "duplicate_refusal"> = {
  twitter: "found",
  linkedin: "duplicate_refusal",
  facebook: "found",
  instagram: "found",
};

async function unknownPost(platform: Platform, text: string, fault: { kind: "error_500_after" | "error_500" }) {
  const tenant = await createTenant();
  const account = await connectAccount(tenant.ownerKey, platform);
  await sandbox(platform).addFault({ kind: fault.kind, endpoint: "publish", user_id: sandboxUserOf(account) });
  const res = await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account, { text }) });
  expect(res.status, `${platform}: ${await res.clone().text()}`).toBe(202);
  const post = await json<ReadPost>(res);
  return { tenant, account, post };
}

describe.concurrent("reconciliation: the platform answers 500 after creating the post", () => {
  it.each(PLATFORMS)("%s: the post is found, published with its id, and exists once", async (platform) => {
    const text = `Reconciled ${platform} https://example.com/a?b=1 & <more> ${crypto.randomUUID()}`;
    const { tenant, account, post } = await unknownPost(platform, text, { kind: "error_500_after" });
    // Answered as it stands: sent, outcome not learned, the platform to be asked.
    expect(post, platform).toMatchObject({
      status: "unknown",
      error: { type: "outcome_unknown" },
      reconciliation: { state: "checking", tries: 0, max_tries: 5 },
    });
    expect(post.reconciliation?.next_check_at, platform).not.toBeNull();
    expect(await platformPosts(account, text), platform).toHaveLength(1);

    const settled = await reconcileNow(tenant.tenantId, tenant.ownerKey, post.id);
    const [atPlatform] = await platformPosts(account, text);
    expect(settled, platform).toMatchObject({
      status: "published",
      error: null,
      platform_post_id: recordedIdOf(account, atPlatform?.post_id ?? "none"),
      reconciliation: { state: "resolved", resolution: FOUND_BY[platform], next_check_at: null },
    });
    // Exactly one post exists on the platform.
    expect(await platformPosts(account, text), platform).toHaveLength(1);
    const audits = await auditRows(tenant.tenantId, post.id, "post.reconciled");
    expect(audits, platform).toHaveLength(1);
    expect(JSON.parse(audits[0]?.metadata ?? "{}"), platform).toMatchObject({ resolution: FOUND_BY[platform] });
  });
});

describe.concurrent("reconciliation: the platform answers 500 without creating the post", () => {
  it.each(PLATFORMS)("%s: not found, so sent once more; exactly one post", async (platform) => {
    const text = `Sent again ${platform} ${crypto.randomUUID()}`;
    const { tenant, account, post } = await unknownPost(platform, text, { kind: "error_500" });
    expect(post.status, platform).toBe("unknown");
    expect(await platformPosts(account, text), platform).toHaveLength(0);

    const settled = await reconcileNow(tenant.tenantId, tenant.ownerKey, post.id);
    const posts = await platformPosts(account, text);
    expect(posts, platform).toHaveLength(1);
    expect(settled, platform).toMatchObject({
      status: "published",
      platform_post_id: recordedIdOf(account, posts[0]?.post_id ?? "none"),
      reconciliation: { state: "resolved", resolution: "sent_again" },
    });
    expect((await sandbox(platform).counters(sandboxUserOf(account))).publish, platform).toBe(2);
  });
});

describe.concurrent("reconciliation: checks that cannot be made", () => {
  it("the platform refusing every look-up: five checks with backoff, then failed with why, nothing sent again", async () => {
    const text = `Unresolved ${crypto.randomUUID()}`;
    const { tenant, account, post } = await unknownPost("twitter", text, { kind: "error_500_after" });
    const user = sandboxUserOf(account);
    await sandbox("twitter").addFault({ kind: "error_500", endpoint: "lookup", user_id: user, count: 100 });

    for (let round = 0; round < 4; round++) {
      const checking = await reconcileNow(tenant.tenantId, tenant.ownerKey, post.id, 1);
      const label = `after check ${round + 1}`;
      expect(checking.status, label).toBe("unknown");
      expect(checking.reconciliation, label).toMatchObject({ state: "checking", tries: round + 1 });
      expect(checking.reconciliation?.note, label).toMatch(/twitter could not be asked/);
      // Each wait twice the one before: 1, 2, 4 and 8 minutes.
      const wait =
        Date.parse(checking.reconciliation?.next_check_at ?? "") -
        Date.parse(checking.reconciliation?.last_checked_at ?? "");
      expect(wait, label).toBe(60_000 * 2 ** round);
    }

    const given = await reconcileNow(tenant.tenantId, tenant.ownerKey, post.id, 1);
    expect(given).toMatchObject({
      status: "failed",
      error: { type: "outcome_unresolved" },
      reconciliation: { state: "gave_up", tries: 5, next_check_at: null },
    });
    expect(given.error?.message).toMatch(/could not be confirmed after 5 checks .* look at the account/);
    expect((await sandbox("twitter").counters(user)).publish, "never sent again").toBe(1);
    expect((await sandbox("twitter").counters(user)).lookup).toBe(5);
    expect(await auditRows(tenant.tenantId, post.id, "post.reconcile_gave_up")).toHaveLength(1);
    // Nothing more is due.
    expect(await reconcileNow(tenant.tenantId, tenant.ownerKey, post.id)).toMatchObject({ status: "failed" });
  });

  it("a second send whose answer is lost too is only looked for after: found, one post", async () => {
    const text = `Twice lost ${crypto.randomUUID()}`;
    const { tenant, account, post } = await unknownPost("facebook", text, { kind: "error_500" });
    const user = sandboxUserOf(account);
    // The second send is made, and its answer lost as well.
    await sandbox("facebook").addFault({ kind: "error_500_after", endpoint: "publish", user_id: user });
    const settled = await reconcileNow(tenant.tenantId, tenant.ownerKey, post.id);
    expect(settled).toMatchObject({ status: "published", reconciliation: { state: "resolved", resolution: "found" } });
    expect(await platformPosts(account, text)).toHaveLength(1);
    expect((await sandbox("facebook").counters(user)).publish).toBe(2);
  });

  it("an identical earlier post of the account is not taken for the one sent", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "twitter");
    const text = `Same words ${crypto.randomUUID()}`;
    const first = await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account, { text }) });
    expect(first.status).toBe(201);
    const firstId = (await json<ReadPost>(first)).platform_post_id;
    await sandbox("twitter").addFault({ kind: "error_500", endpoint: "publish", user_id: sandboxUserOf(account) });
    const res = await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account, { text }) });
    const post = await json<ReadPost>(res);
    const settled = await reconcileNow(tenant.tenantId, tenant.ownerKey, post.id);
    expect(settled).toMatchObject({ status: "published", reconciliation: { resolution: "sent_again" } });
    expect(settled.platform_post_id).not.toBe(firstId);
    expect(await platformPosts(account, text)).toHaveLength(2);
  });

  it("GET /v1/posts/{id} shows the reconciliation as it stands", async () => {
    const text = `Shown ${crypto.randomUUID()}`;
    const { tenant, post } = await unknownPost("instagram", text, { kind: "error_500_after" });
    const read = await readPost(tenant.ownerKey, post.id);
    expect(read.reconciliation).toMatchObject({ state: "checking", tries: 0, resolution: null });
    expect(read.reconciliation?.note).toMatch(/instagram is asked whether the post exists/);
  });
});
