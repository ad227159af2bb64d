// Instagram as the Instagram Platform documents it (developers.facebook.com): an image
// container's status_code is checked before media_publish ("Content Publishing",
// reference/ig-container: FINISHED is published, IN_PROGRESS waits within the
// request and then goes to the alarm, ERROR and EXPIRED are refused with the
// container's status); "JPEG" is decided from the image's bytes (FF D8 FF), not its
// URL; insights are read per media (GET /{media-id}/insights, reference/instagram-
// media/insights), with neither a ?ids= read nor a batch, which graph.instagram.com does
// not document; a long-lived token is refreshed only once it is at least 24 hours old
// (reference/refresh_access_token), and the refusal of a younger one never revokes.

import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { platformAdapter } from "../../src/core/platforms";
import { GRAPH_VERSION } from "../../src/core/platforms/graph";
import { INSTAGRAM_MEDIA_METRICS, InstagramAdapter } from "../../src/core/platforms/instagram";
import { isPending } from "../../src/core/platforms/types";
import { INSTAGRAM_IMAGE_PROCESSING_MS, INSTAGRAM_MIN_REFRESH_AGE_MS } from "../../src/core/sandbox/instagram";
import { connectAccount, sandbox, sandboxUserOf } from "../support/accounts";
import { call, json, ORIGIN } from "../support/http";
import { recordsInD1, runTimersNow, tenantObjectOf } from "../support/objects";
import { createTenant } from "../support/tenants";
import { expectShape, sandboxFetch, sandboxGrant } from "./exchange";
import { clockedConfig, JPEG_BYTES, PNG_BYTES, platformErrorOf } from "./meta-support";

const IMAGE = { text: "Rebar", imageUrl: "https://cdn.example.com/rebar.jpg", videoUrl: null };

/** Graph's answers to an image publish: the container, its status per read, media_publish, the permalink. */
function imageExchange(statuses: { status_code: string; status?: string }[], waitMs = 0) {
  let reads = 0;
  return clockedConfig(
    "instagram",
    (request) => {
      const url = new URL(request.url);
      if (url.pathname.endsWith("/media")) return Response.json({ id: "c1" });
      if (url.pathname.endsWith("/media_publish")) return Response.json({ id: "m1" });
      if (url.searchParams.get("fields") === "permalink") {
        return Response.json({ id: "m1", permalink: "https://www.instagram.com/p/m1/" });
      }
      const status = statuses[Math.min(reads++, statuses.length - 1)];
      return Response.json({ id: "c1", ...status });
    },
    waitMs,
  );
}

const paths = (requests: Request[]) => requests.map((r) => `${r.method} ${new URL(r.url).pathname}`);

describe("Instagram image containers (adapter)", () => {
  it("FINISHED: the container's status_code is read, then media_publish", async () => {
    const { config, requests } = imageExchange([{ status_code: "FINISHED" }]);
    const result = await new InstagramAdapter(config).publish("tok", "1789", IMAGE);
    expect(result).toMatchObject({ platformPostId: "m1", url: "https://www.instagram.com/p/m1/" });
    expect(paths(requests)).toEqual([
      `POST /${GRAPH_VERSION}/1789/media`,
      `GET /${GRAPH_VERSION}/c1`,
      `POST /${GRAPH_VERSION}/1789/media_publish`,
      `GET /${GRAPH_VERSION}/m1`,
    ]);
    expect(new URL(requests[1]?.url ?? "").searchParams.get("fields")).toBe("status_code,status");
  });

  it("IN_PROGRESS: asked again within the request's wait (on its clock), published once FINISHED", async () => {
    const { config, requests, clock } = imageExchange(
      [{ status_code: "IN_PROGRESS" }, { status_code: "IN_PROGRESS" }, { status_code: "FINISHED" }],
      10_000,
    );
    const result = await new InstagramAdapter(config).publish("tok", "1789", IMAGE);
    expect(isPending(result)).toBe(false);
    expect(clock.pauses).toEqual([1000, 2000]);
    expect(paths(requests).filter((p) => p.endsWith("/media_publish"))).toHaveLength(1);
  });

  it("IN_PROGRESS past the wait: pending with its container (the alarm finishes it), no media_publish", async () => {
    const { config, requests } = imageExchange([{ status_code: "IN_PROGRESS" }], 3000);
    const result = await new InstagramAdapter(config).publish("tok", "1789", IMAGE);
    expect(isPending(result) && result.containerId).toBe("c1");
    expect(paths(requests).some((p) => p.endsWith("/media_publish"))).toBe(false);
  });

  it.each(["ERROR", "EXPIRED"])("%s: refused with the container's status, no media_publish", async (code) => {
    const { config, requests } = imageExchange([{ status_code: code, status: "Error: 2207082" }]);
    const error = await platformErrorOf(new InstagramAdapter(config).publish("tok", "1789", IMAGE));
    expect(error.kind).toBe("rejected");
    expect(error.message).toContain(code);
    if (code === "ERROR") expect(error.message).toContain("2207082");
    expect(paths(requests).some((p) => p.endsWith("/media_publish"))).toBe(false);
  });
});

describe("Instagram JPEG from the bytes (adapter)", () => {
  it("a .jpg URL whose bytes are a PNG is refused before anything is sent", async () => {
    const { config, requests } = imageExchange([{ status_code: "FINISHED" }]);
    const adapter = new InstagramAdapter({ ...config, fetchMedia: async () => PNG_BYTES });
    const error = await platformErrorOf(adapter.publish("tok", "1789", IMAGE));
    expect(error).toMatchObject({ kind: "media", details: { field: "image_url" } });
    expect(requests).toHaveLength(0);
  });

  it("a URL without an extension whose bytes are a JPEG is published; the image is fetched as a bounded image", async () => {
    const fetched: { url: string; field: string; types: string[] }[] = [];
    const { config } = imageExchange([{ status_code: "FINISHED" }]);
    const adapter = new InstagramAdapter({
      ...config,
      fetchMedia: async (url, field, policy) => {
        fetched.push({ url, field, types: Object.keys(policy) });
        return JPEG_BYTES;
      },
    });
    const url = "https://cdn.example.com/render?id=7";
    expect(await adapter.publish("tok", "1789", { ...IMAGE, imageUrl: url })).toMatchObject({ platformPostId: "m1" });
    expect(fetched).toEqual([{ url, field: "image_url", types: expect.arrayContaining(["image/jpeg", "image/png"]) }]);
  });
});

describe("Instagram insights, per media (adapter)", () => {
  it("one GET /{media-id}/insights per media, no ?ids= and no batch", async () => {
    const { config, requests } = clockedConfig("instagram", (request) => {
      const id = new URL(request.url).pathname.split("/")[2];
      return Response.json({ data: [{ name: "views", period: "lifetime", values: [{ value: Number(id) }] }] });
    });
    const adapter = new InstagramAdapter(config);
    expect(adapter.insightsBatch).toBe(1);
    const figures = await adapter.insights("tok", "1789", ["11", "12", "13"]);
    expect([...figures].map(([id, m]) => [id, m.impressions])).toEqual([
      ["11", 11],
      ["12", 12],
      ["13", 13],
    ]);
    for (const request of requests) {
      const url = new URL(request.url);
      expect(request.method).toBe("GET");
      expect(url.pathname).toMatch(new RegExp(`^/${GRAPH_VERSION}/1[123]/insights$`));
      expect(url.searchParams.get("metric")).toBe(INSTAGRAM_MEDIA_METRICS.join(","));
      expect(url.searchParams.has("ids")).toBe(false);
      expect(url.searchParams.has("batch")).toBe(false);
    }
  });

  it("a media Graph refuses is absent among several; alone, its refusal is the answer", async () => {
    const { config } = clockedConfig("instagram", (request) =>
      new URL(request.url).pathname.includes("/12/")
        ? Response.json({ error: { message: "gone", type: "OAuthException", code: 100 } }, { status: 400 })
        : Response.json({ data: [] }),
    );
    const adapter = new InstagramAdapter(config);
    expect([...(await adapter.insights("tok", "1789", ["11", "12"])).keys()]).toEqual(["11"]);
    expect((await platformErrorOf(adapter.insights("tok", "1789", ["12"]))).kind).toBe("rejected");
  });
});

describe("Instagram (sandbox)", () => {
  const form = (values: Record<string, string>) => ({
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(values).toString(),
  });

  it("under slow_container an image container is IN_PROGRESS, media_publish waits for FINISHED on the sandbox's clock", async () => {
    const grant = await sandboxGrant("instagram");
    const token = grant.tokens.accessToken;
    await sandbox("instagram").addFault({ kind: "slow_container", endpoint: "media", user_id: grant.user });
    const created = await sandboxFetch(
      "instagram",
      `/${GRAPH_VERSION}/${grant.platformUserId}/media`,
      form({ image_url: IMAGE.imageUrl, caption: "x", access_token: token }),
    );
    const { id } = (await created.json()) as { id: string };
    const status = () =>
      sandboxFetch("instagram", `/${GRAPH_VERSION}/${id}?fields=status_code,status&access_token=${token}`).then(
        (res) => res.json() as Promise<{ status_code: string }>,
      );
    const publish = () =>
      sandboxFetch(
        "instagram",
        `/${GRAPH_VERSION}/${grant.platformUserId}/media_publish`,
        form({ creation_id: id, access_token: token }),
      );
    expectShape(await status(), { id, status_code: "IN_PROGRESS" });
    expect((await publish()).status).toBe(400);
    await sandbox("instagram").advanceClock(INSTAGRAM_IMAGE_PROCESSING_MS);
    expect((await status()).status_code).toBe("FINISHED");
    expect((await publish()).status).toBe(200);
  });

  it("judges JPEG from the bytes its media host serves, whatever the URL's name says", async () => {
    const grant = await sandboxGrant("instagram");
    const create = (imageUrl: string) =>
      sandboxFetch(
        "instagram",
        `/${GRAPH_VERSION}/${grant.platformUserId}/media`,
        form({ image_url: imageUrl, caption: "x", access_token: grant.tokens.accessToken }),
      );
    const png = await create("https://cdn.example.com/photo.jpg?sandbox_type=png");
    expect(png.status).toBe(400);
    expect(((await png.json()) as { error: { code: number } }).error.code).toBe(9004);
    expect((await create("https://cdn.example.com/render?id=7")).status).toBe(200);
  });

  it("insights per media in Graph's shape; a deprecated metric is refused; no ?ids= read is served", async () => {
    const grant = await sandboxGrant("instagram");
    const token = grant.tokens.accessToken;
    const adapter = platformAdapter(env, "instagram", ORIGIN);
    const published = await adapter.publish(token, grant.platformUserId, IMAGE);
    if (isPending(published)) throw new Error("the sandbox's image container was not ready at once");
    const id = published.platformPostId;
    const read = (metric: string) =>
      sandboxFetch("instagram", `/${GRAPH_VERSION}/${id}/insights?metric=${metric}&access_token=${token}`);
    const ok = await read(INSTAGRAM_MEDIA_METRICS.join(","));
    expect(ok.status).toBe(200);
    expectShape(await ok.json(), { data: [{ name: "likes", period: "lifetime", values: [{ value: 0 }] }] });
    expect((await read("impressions")).status).toBe(400);
    const multi = await sandboxFetch(
      "instagram",
      `/${GRAPH_VERSION}?${new URLSearchParams({ ids: id, fields: "insights.metric(likes)", access_token: token })}`,
    );
    expect(multi.status).toBe(404);
    expect((await adapter.insights(token, grant.platformUserId, [id])).get(id)?.likes).toBeGreaterThanOrEqual(0);
  });

  it("refuses to refresh a token younger than 24 hours (not as a revocation), and refreshes it a day on", async () => {
    const grant = await sandboxGrant("instagram");
    const adapter = platformAdapter(env, "instagram", ORIGIN);
    const credential = {
      refreshToken: null,
      accessToken: grant.tokens.accessToken,
      platformUserId: grant.platformUserId,
    };
    const young = await platformErrorOf(adapter.refresh(credential));
    expect(young.kind).toBe("rejected");
    expect(await sandbox("instagram").liveTokens(grant.user)).toBeGreaterThan(0);
    await sandbox("instagram").advanceClock(INSTAGRAM_MIN_REFRESH_AGE_MS);
    expect((await adapter.refresh(credential)).accessToken).toMatch(/^sbx_access_/);
  });
});

describe("Instagram image containers (TenantObject)", () => {
  it("an image not ready at once is answered 202 processing, and published by the alarm once FINISHED", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "instagram");
    const user = sandboxUserOf(account);
    await sandbox("instagram").addFault({ kind: "slow_container", endpoint: "media", user_id: user });
    const res = await call("/v1/posts", {
      token: tenant.ownerKey,
      body: { account_id: account.id, text: `Slow ${crypto.randomUUID()}`, image_url: IMAGE.imageUrl },
    });
    expect(res.status, await res.clone().text()).toBe(202);
    const { id } = await json<{ id: string }>(res);
    expect((await sandbox("instagram").counters(user)).publish ?? 0).toBe(0);
    await sandbox("instagram").advanceClock(INSTAGRAM_IMAGE_PROCESSING_MS);
    await runInDurableObject(tenantObjectOf(tenant.tenantId), async (_o: TenantObject, state) => {
      state.storage.sql.exec("UPDATE media_containers SET next_poll_ms = 0");
    });
    await runTimersNow(tenant.tenantId, ["media-containers"]);
    await recordsInD1(tenant.tenantId);
    const post = await json<{ status: string; platform_post_id: string | null }>(
      await call(`/v1/posts/${id}`, { token: tenant.ownerKey }),
    );
    expect(post.status).toBe("published");
    expect(post.platform_post_id).toBeTruthy();
    expect((await sandbox("instagram").counters(user)).media).toBe(1);
    expect((await sandbox("instagram").posts(user)).length).toBe(1);
  });
});
