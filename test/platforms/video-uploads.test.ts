// Videos to X and LinkedIn, and X's GIFs, end to end through the API: the media is
// uploaded in parts (X's chunked upload, LinkedIn's Videos API), then processes at the
// platform (the sandbox keeps it processing for a while on its own clock), so the post
// is answered 202 "processing" (no request waits in tests: PLATFORM_PROCESSING_WAIT_MS
// is 0) and the TenantObject's alarm posts it once the media is ready, exactly once,
// or fails it. Tests move the sandbox's clock and run the alarm instead of waiting.
import { describe, expect, it } from "vitest";
import type { Platform } from "../../src/core/platforms/types";
import { type ConnectedAccount, connectAccount, sandbox, sandboxUserOf } from "../support/accounts";
import { call, json } from "../support/http";
import { recordsInD1, runTimersNow } from "../support/objects";
import { createTenant, type TestTenant } from "../support/tenants";

/** How long each sandbox processes: X's GIF 5 s and video 30 s, LinkedIn's video 30 s (the sandboxes' own). */
const PROCESSING_MS = 30_000;

type Post = {
  id: string;
  status: string;
  platform_post_id: string | null;
  error: { type: string; message: string | null } | null;
};

async function videoAccount(platform: Platform) {
  const tenant = await createTenant();
  const account = await connectAccount(tenant.ownerKey, platform);
  return { tenant, account, user: sandboxUserOf(account) };
}

async function postMedia(tenant: TestTenant, account: ConnectedAccount, media: Record<string, string>) {
  const text = `Pour ${crypto.randomUUID()}`;
  const res = await call("/v1/posts", { token: tenant.ownerKey, body: { account_id: account.id, text, ...media } });
  return { res, text };
}

async function postOf(tenant: TestTenant, id: string): Promise<Post> {
  await recordsInD1(tenant.tenantId);
  return json<Post>(await call(`/v1/posts/${id}`, { token: tenant.ownerKey }));
}

/** The object's next poll of its processing media (its timer's time comes on its clock). */
async function poll(tenant: TestTenant): Promise<void> {
  await runTimersNow(tenant.tenantId, ["media-containers"]);
}

const VIDEOS: { platform: Platform; video: string }[] = [
  { platform: "twitter", video: "https://cdn.example.com/pour.mp4" },
  { platform: "twitter", video: "https://cdn.example.com/pour.mov" },
  { platform: "linkedin", video: "https://cdn.example.com/pour.mp4" },
];

describe("videos to X and LinkedIn", () => {
  it.each(VIDEOS)("$platform $video: processing, then published once by the alarm", async ({ platform, video }) => {
    const { tenant, account, user } = await videoAccount(platform);
    const { res, text } = await postMedia(tenant, account, { video_url: video });
    expect(res.status, await res.clone().text()).toBe(202);
    const { id, status } = await json<Post>(res);
    expect(status).toBe("processing");
    // Still processing at the platform: the alarm asks, and waits.
    await poll(tenant);
    expect((await postOf(tenant, id)).status).toBe("processing");
    expect(await sandbox(platform).posts(user)).toEqual([]);
    await sandbox(platform).advanceClock(PROCESSING_MS);
    await poll(tenant);
    const post = await postOf(tenant, id);
    expect(post.status, JSON.stringify(post.error)).toBe("published");
    const posts = await sandbox(platform).posts(user);
    expect(posts.map((p) => p.text)).toEqual([text]);
    expect(post.platform_post_id).toContain(posts[0]?.post_id);
    // Nothing more is sent on later runs.
    await poll(tenant);
    expect(await sandbox(platform).posts(user)).toHaveLength(1);
  });

  it.each(["twitter", "linkedin"] as const)(
    "%s: media whose processing fails fails the post, nothing is posted",
    async (platform) => {
      const { tenant, account, user } = await videoAccount(platform);
      await sandbox(platform).addFault({ kind: "container_error", endpoint: "media", user_id: user });
      const { res } = await postMedia(tenant, account, { video_url: "https://cdn.example.com/broken.mp4" });
      expect(res.status, await res.clone().text()).toBe(202);
      const { id } = await json<Post>(res);
      await sandbox(platform).advanceClock(PROCESSING_MS);
      await poll(tenant);
      const post = await postOf(tenant, id);
      expect(post.status).toBe("failed");
      expect(post.error?.message).toContain("ERROR");
      expect(await sandbox(platform).posts(user)).toEqual([]);
    },
  );

  it.each(["twitter", "linkedin"] as const)(
    "%s: a post of processed media whose answer never came is unknown, never sent again",
    async (platform) => {
      const { tenant, account, user } = await videoAccount(platform);
      const { res, text } = await postMedia(tenant, account, { video_url: "https://cdn.example.com/late.mp4" });
      const { id } = await json<Post>(res);
      await sandbox(platform).advanceClock(PROCESSING_MS);
      // The post goes through at the platform, but its answer comes after the deadline.
      await sandbox(platform).addFault({ kind: "hang", endpoint: "publish", user_id: user, params: { ms: 6000 } });
      await poll(tenant);
      const post = await postOf(tenant, id);
      expect(post.status).toBe("unknown");
      await poll(tenant);
      const posts = await sandbox(platform).posts(user);
      expect(posts.filter((p) => p.text === text)).toHaveLength(1);
    },
  );

  it("X: a GIF goes through the chunked upload as tweet_gif and processes; a JPEG is posted at once", async () => {
    const { tenant, account, user } = await videoAccount("twitter");
    const gif = await postMedia(tenant, account, { image_url: "https://cdn.example.com/spin.gif" });
    expect(gif.res.status, await gif.res.clone().text()).toBe(202);
    const { id } = await json<Post>(gif.res);
    await sandbox("twitter").advanceClock(5_000);
    await poll(tenant);
    expect((await postOf(tenant, id)).status).toBe("published");
    const jpeg = await postMedia(tenant, account, { image_url: "https://cdn.example.com/rebar.jpg" });
    expect(jpeg.res.status, await jpeg.res.clone().text()).toBe(201);
    expect((await sandbox("twitter").posts(user)).map((p) => p.text)).toEqual([gif.text, jpeg.text]);
  });

  it("the bytes decide: a video given as image_url, a GIF as video_url and a MOV to LinkedIn are refused before anything is sent", async () => {
    const x = await videoAccount("twitter");
    const linkedin = await videoAccount("linkedin");
    const cases: [ConnectedAccount, Record<string, string>, string][] = [
      // The name says JPEG; the bytes (the sandbox's media host: sandbox_type) are an MP4.
      [x.account, { image_url: "https://cdn.example.com/still.jpg?sandbox_type=mp4" }, "image_url"],
      [x.account, { video_url: "https://cdn.example.com/clip.gif" }, "video_url"],
      [linkedin.account, { video_url: "https://cdn.example.com/clip.mov" }, "video_url"],
      [linkedin.account, { image_url: "https://cdn.example.com/still.png?sandbox_type=mp4" }, "image_url"],
    ];
    for (const [account, media, field] of cases) {
      const { res } = await postMedia(account.platform === "twitter" ? x.tenant : linkedin.tenant, account, media);
      expect(res.status, `${account.platform} ${JSON.stringify(media)}`).toBe(400);
      const body = await json<{ errors?: { field: string }[] }>(res);
      expect(
        body.errors?.map((e) => e.field),
        JSON.stringify(media),
      ).toEqual([field]);
    }
    for (const { user, account } of [x, linkedin]) {
      const counters = await sandbox(account.platform).counters(user);
      expect(counters.media, account.platform).toBeUndefined();
      expect(counters.publish, account.platform).toBeUndefined();
    }
  });
});
