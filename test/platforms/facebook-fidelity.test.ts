// Facebook as documented (developers.facebook.com): post insights ask for
// post_media_view and post_total_media_view_unique (post_impressions* are deprecated:
// an invalid-metric error that fails the whole ?ids= read); a video post's id is the
// video's, so its Page post is looked up for insights.
import { describe, expect, it } from "vitest";
import { FACEBOOK_POST_METRICS } from "../../src/core/platforms/facebook";
import { connectAccount, sandbox, sandboxUserOf } from "../support/accounts";
import { age, figures, publishedPosts, pullNow, syncErrors } from "../support/analytics";
import { call, json } from "../support/http";
import { createOwnerKey, createTenant } from "../support/tenants";

describe("Facebook fidelity", () => {
  it("insights read post_media_view: a batch of posts is read in one call, no sync error", async () => {
    const world = await publishedPosts(3, "facebook");
    await age(world.account, 60);
    await pullNow(world.tenant.tenantId);
    expect((await sandbox("facebook").counters(sandboxUserOf(world.account))).insights).toBe(1);
    for (const postId of world.posts) {
      expect(await syncErrors(world.tenant.tenantId, postId)).toEqual([]);
      expect((await figures(world.key, postId)).impressions).toBeGreaterThan(0);
    }
    expect(FACEBOOK_POST_METRICS).not.toContain("post_impressions");
  });

  it("a video post is recorded with its Page post id, and its insights are read", async () => {
    const tenant = await createTenant();
    const { key } = await createOwnerKey(tenant, {
      scopes: ["publish", "read:posts", "read:analytics"],
      rate_limit_per_hour: 1000,
    });
    const account = await connectAccount(tenant.ownerKey, "facebook");
    const res = await call("/v1/posts", {
      token: key,
      body: { account_id: account.id, text: "Site tour", video_url: "https://cdn.example.com/tour.mp4" },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const post = await json<{ id: string; platform_post_id: string }>(res);
    expect(post.platform_post_id).toMatch(new RegExp(`^${account.platformUserId}_`));
    await age(account, 60);
    await pullNow(tenant.tenantId);
    expect(await syncErrors(tenant.tenantId, post.id)).toEqual([]);
    expect((await figures(key, post.id)).impressions).toBeGreaterThan(0);
  });
});
