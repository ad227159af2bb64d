// A Facebook video's Page post is not there when the upload answers ("Publish with the
// Video API": the answer is the video's id; reference/video-status): the adapter asks
// the video node for its post_id within the request's wait, on its clock (here the
// test's, moved by its pause: nothing sleeps), and past that the publish is pending,
// finished by the TenantObject's alarm (containerStatus, publishContainer). The post
// id is never the video's. The sandbox keeps a video processing for
// FACEBOOK_VIDEO_PROCESSING_MS on its own clock.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { FacebookAdapter } from "../../src/core/platforms/facebook";
import { GRAPH_VERSION } from "../../src/core/platforms/graph";
import { isPending } from "../../src/core/platforms/types";
import { FACEBOOK_VIDEO_PROCESSING_MS } from "../../src/core/sandbox/facebook";
import { connectAccount, sandbox, sandboxUserOf } from "../support/accounts";
import { call, json } from "../support/http";
import { recordsInD1, runTimersNow, tenantObjectOf } from "../support/objects";
import { createTenant } from "../support/tenants";
import { expectShape, sandboxFetch, sandboxGrant } from "./exchange";
import { clockedConfig, platformErrorOf } from "./meta-support";

const VIDEO = { text: "Site tour", imageUrl: null, videoUrl: "https://cdn.example.com/tour.mp4" };
const PROCESSING = { id: "987", status: { video_status: "processing", processing_phase: { status: "in_progress" } } };
const READY = { id: "987", post_id: "5678", status: { video_status: "ready" } };

/** Graph's answers: the upload, then the video node as `node(read)` says for each read. */
function videoExchange(node: (read: number) => unknown, waitMs: number) {
  let reads = 0;
  return clockedConfig(
    "facebook",
    (request) =>
      new URL(request.url).pathname.endsWith("/videos") ? Response.json({ id: "987" }) : Response.json(node(reads++)),
    waitMs,
  );
}

describe("Facebook video post ids (adapter)", () => {
  it("asks the video node within the request's wait, and answers the Page post once it is there", async () => {
    const { config, requests, clock } = videoExchange((read) => (read < 2 ? PROCESSING : READY), 10_000);
    const result = await new FacebookAdapter(config).publish("ptok", "1234", VIDEO);
    expect(isPending(result)).toBe(false);
    expect(result).toMatchObject({ platformPostId: "1234_5678", url: "https://www.facebook.com/1234_5678", calls: 4 });
    // Three reads of the node, one, then two seconds apart on the clock: no real wait.
    expect(clock.pauses).toEqual([1000, 2000]);
    const reads = requests.slice(1).map((request) => new URL(request.url));
    expect(reads.map((url) => url.pathname)).toEqual(Array(3).fill(`/${GRAPH_VERSION}/987`));
    expect(reads.map((url) => url.searchParams.get("fields"))).toEqual(Array(3).fill("post_id,status"));
  });

  it("still processing when the wait is over: pending with the video, never the video's id as the post", async () => {
    const { config, clock } = videoExchange(() => PROCESSING, 10_000);
    const result = await new FacebookAdapter(config).publish("ptok", "1234", VIDEO);
    expect(isPending(result) && result.containerId).toBe("987");
    // 1 + 2 + 4 seconds waited; the next 4 would pass the 10 seconds.
    expect(clock.pauses).toEqual([1000, 2000, 4000]);
  });

  it("a node that cannot be read is pending too (the alarm asks again), and no wait asks once", async () => {
    const { config, requests } = clockedConfig("facebook", (request) =>
      new URL(request.url).pathname.endsWith("/videos")
        ? Response.json({ id: "987" })
        : Response.json({ error: { message: "down", type: "OAuthException", code: 2 } }, { status: 500 }),
    );
    const result = await new FacebookAdapter(config).publish("ptok", "1234", VIDEO);
    expect(isPending(result) && result.containerId).toBe("987");
    expect(requests).toHaveLength(2);
  });

  it("a video whose processing failed is refused", async () => {
    const { config } = videoExchange(() => ({ id: "987", status: { video_status: "error" } }), 0);
    const error = await platformErrorOf(new FacebookAdapter(config).publish("ptok", "1234", VIDEO));
    expect(error.kind).toBe("rejected");
    expect(error.message).toContain("ERROR");
  });

  it("the alarm's calls: containerStatus by the node, publishContainer reads the post id and never posts", async () => {
    const answers: unknown[] = [
      PROCESSING,
      { id: "987", status: { video_status: "expired" } },
      { id: "987", status: { video_status: "error" } },
      READY,
      READY,
      PROCESSING,
    ];
    const { config, requests } = clockedConfig("facebook", (_request, index) => Response.json(answers[index]));
    const adapter = new FacebookAdapter(config);
    const states = [];
    for (let i = 0; i < 4; i++) states.push(await adapter.containerStatus("ptok", "987"));
    expect(states).toEqual(["IN_PROGRESS", "EXPIRED", "ERROR", "FINISHED"]);
    expect(await adapter.publishContainer("ptok", "1234", "987")).toMatchObject({ platformPostId: "1234_5678" });
    // Asked before the post is there (a race): not published yet, asked again later.
    expect((await platformErrorOf(adapter.publishContainer("ptok", "1234", "987"))).kind).toBe("unavailable");
    expect(requests.every((request) => request.method === "GET")).toBe(true);
    expect(adapter.publishesWhenProcessed).toBe(true);
  });
});

describe("Facebook video post ids (sandbox)", () => {
  it("the node names no post while processing, its Page post once processed; insights take the post, not the video", async () => {
    const grant = await sandboxGrant("facebook");
    const token = grant.tokens.accessToken;
    const uploaded = await sandboxFetch("facebook", `/${GRAPH_VERSION}/${grant.platformUserId}/videos`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ file_url: VIDEO.videoUrl, description: "Tour", access_token: token }).toString(),
    });
    const { id } = (await uploaded.json()) as { id: string };
    const node = () =>
      sandboxFetch("facebook", `/${GRAPH_VERSION}/${id}?fields=post_id,status&access_token=${token}`).then(
        (res) => res.json() as Promise<{ post_id?: string; status: { video_status: string } }>,
      );
    expect(await node()).not.toHaveProperty("post_id");
    await sandbox("facebook").advanceClock(FACEBOOK_VIDEO_PROCESSING_MS - 1000);
    expect((await node()).status.video_status).toBe("processing");
    await sandbox("facebook").advanceClock(1000);
    const ready = await node();
    expectShape(ready, { post_id: new RegExp(`^${grant.platformUserId}_\\w+$`), status: { video_status: "ready" } });
    const read = (ids: string) =>
      sandboxFetch(
        "facebook",
        `/${GRAPH_VERSION}?${new URLSearchParams({ ids, fields: "insights.metric(post_media_view)", access_token: token })}`,
      );
    expect((await read(id)).status).toBe(400);
    expect((await read(ready.post_id as string)).status).toBe(200);
  });
});

/** The object's containers are due now, and its alarm runs (as a minute later). */
async function pollNow(tenantId: string): Promise<void> {
  await runInDurableObject(tenantObjectOf(tenantId), async (_o: TenantObject, state) => {
    state.storage.sql.exec("UPDATE media_containers SET next_poll_ms = 0");
  });
  await runTimersNow(tenantId, ["media-containers"]);
}

async function postOf(tenantId: string, token: string, id: string) {
  await recordsInD1(tenantId);
  return json<{ status: string; platform_post_id: string | null; error: { type: string } | null }>(
    await call(`/v1/posts/${id}`, { token }),
  );
}

async function videoPost() {
  const tenant = await createTenant();
  const account = await connectAccount(tenant.ownerKey, "facebook");
  const res = await call("/v1/posts", {
    token: tenant.ownerKey,
    body: { account_id: account.id, text: `Tour ${crypto.randomUUID()}`, video_url: VIDEO.videoUrl },
  });
  expect(res.status, await res.clone().text()).toBe(202);
  return { tenant, account, id: (await json<{ id: string }>(res)).id };
}

describe("Facebook video post ids (TenantObject)", () => {
  it("a video whose processing fails is refused (422), and no Page post exists", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "facebook");
    await sandbox("facebook").addFault({
      kind: "container_error",
      endpoint: "publish",
      user_id: sandboxUserOf(account),
    });
    const res = await call("/v1/posts", {
      token: tenant.ownerKey,
      body: { account_id: account.id, text: "Broken tour", video_url: VIDEO.videoUrl },
    });
    // The node says error at once: refused, nothing published.
    expect(res.status, await res.clone().text()).toBe(422);
    expect(await sandbox("facebook").posts(sandboxUserOf(account))).toEqual([]);
  });

  it("still processing after 30 minutes of checks: unknown, not failed (the video publishes itself once processed)", async () => {
    const { tenant, id } = await videoPost();
    // Thirty polls a minute apart on the object's side; the platform's clock stands still.
    for (let poll = 0; poll < 30; poll++) await pollNow(tenant.tenantId);
    const post = await postOf(tenant.tenantId, tenant.ownerKey, id);
    expect(post.status).toBe("unknown");
    expect(post.platform_post_id).toBeNull();
  });

  it("processed between two polls: published with its Page post id", async () => {
    const { tenant, account, id } = await videoPost();
    await pollNow(tenant.tenantId);
    expect((await postOf(tenant.tenantId, tenant.ownerKey, id)).status).toBe("processing");
    await sandbox("facebook").advanceClock(FACEBOOK_VIDEO_PROCESSING_MS);
    await pollNow(tenant.tenantId);
    const post = await postOf(tenant.tenantId, tenant.ownerKey, id);
    expect(post.status).toBe("published");
    expect(post.platform_post_id).toMatch(new RegExp(`^${account.platformUserId}_\\w+$`));
    expect((await sandbox("facebook").posts(sandboxUserOf(account))).length).toBe(1);
  });
});
