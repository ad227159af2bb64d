// Facebook as documented (developers.facebook.com): post insights ask for
// post_media_view and post_total_media_view_unique (post_impressions* are deprecated:
// an invalid-metric error that fails the whole ?ids= read); a video post's id is the
// video's, and its Page post appears only once the video is processed: the post is
// "processing" until the TenantObject's alarm finds it, and insights read that post.

import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { FACEBOOK_POST_METRICS } from "../../src/core/platforms/facebook";
import { FACEBOOK_VIDEO_PROCESSING_MS } from "../../src/core/sandbox/facebook";
import { connectAccount, sandbox, sandboxUserOf } from "../support/accounts";
import { age, figures, publishedPosts, pullNow, syncErrors } from "../support/analytics";
import { call, json } from "../support/http";
import { recordsInD1, runTimersNow, tenantObjectOf } from "../support/objects";
import { createOwnerKey, createTenant } from "../support/tenants";

/** The object's containers are due now, and its alarm runs (as a minute later). */
async function pollContainersNow(tenantId: string): Promise<void> {
  await runInDurableObject(tenantObjectOf(tenantId), async (_o: TenantObject, state) => {
    state.storage.sql.exec("UPDATE media_containers SET next_poll_ms = 0");
  });
  await runTimersNow(tenantId, ["media-containers"]);
}

/** The post as a client reads it, once D1 has what the object answered. */
async function postOf(tenantId: string, key: string, id: string) {
  await recordsInD1(tenantId);
  const res = await call(`/v1/posts/${id}`, { token: key });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<{ status: string; platform_post_id: string | null }>(res);
}

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

  it("a video post is processing until its Page post id appears; it is recorded with that id, and its insights read it", async () => {
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
    expect(res.status, await res.clone().text()).toBe(202);
    const post = await json<{ id: string; status: string; platform_post_id: string | null }>(res);
    expect(post).toMatchObject({ status: "processing", platform_post_id: null });
    // Still processing at the platform: the alarm asks, and the post stays processing.
    await pollContainersNow(tenant.tenantId);
    expect((await postOf(tenant.tenantId, key, post.id)).status).toBe("processing");
    // Processed: the alarm finds the Page post, never the video's id.
    await sandbox("facebook").advanceClock(FACEBOOK_VIDEO_PROCESSING_MS);
    await pollContainersNow(tenant.tenantId);
    const published = await postOf(tenant.tenantId, key, post.id);
    expect(published.status).toBe("published");
    expect(published.platform_post_id).toMatch(new RegExp(`^${account.platformUserId}_`));
    await age(account, 60);
    await pullNow(tenant.tenantId);
    expect(await syncErrors(tenant.tenantId, post.id)).toEqual([]);
    expect((await figures(key, post.id)).impressions).toBeGreaterThan(0);
  });
});
