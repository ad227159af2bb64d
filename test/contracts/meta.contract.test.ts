// Meta's documented exchanges (developers.facebook.com): Pages API posts, Video API
// "Publish with the Video API", Page Insights metrics; Instagram Platform "Content
// Publishing", reference/ig-container, reference/refresh_access_token. Against the
// adapters and the sandbox alike (see exchange.ts).
import { describe, expect, it } from "vitest";
import { FacebookAdapter } from "../../src/core/platforms/facebook";
import { GRAPH_VERSION } from "../../src/core/platforms/graph";
import { InstagramAdapter } from "../../src/core/platforms/instagram";
import { isPending } from "../../src/core/platforms/types";
import { FACEBOOK_VIDEO_PROCESSING_MS } from "../../src/core/sandbox/facebook";
import { sandbox } from "../support/accounts";
import { expectShape, recordingConfig, sandboxFetch, sandboxGrant } from "./exchange";

const DAY_MS = 86_400_000;

/** Graph's error object (Graph API "Handling Errors"). */
const GRAPH_ERROR = { error: { message: "", type: "OAuthException", code: 0, fbtrace_id: "" } };
const form = (values: Record<string, string>) => ({
  method: "POST",
  headers: { "Content-Type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(values).toString(),
});

describe("Facebook contract", () => {
  it("a video: /videos answers the video id; the adapter reads the video node's post_id for the Page post", async () => {
    const { config, requests } = recordingConfig("facebook", (request) =>
      new URL(request.url).pathname.endsWith("/videos")
        ? Response.json({ id: "10153231379946729" })
        : Response.json({ id: "10153231379946729", post_id: "1234_5678" }),
    );
    const result = await new FacebookAdapter(config).publish("ptok", "1234", {
      text: "Tour",
      imageUrl: null,
      videoUrl: "https://cdn.example.com/v.mp4",
    });
    expect(result).toMatchObject({ platformPostId: "1234_5678" });
    expect(new URL(requests[0]?.url ?? "").pathname).toBe(`/${GRAPH_VERSION}/1234/videos`);
    expect(new URLSearchParams(await requests[0]?.text())).toMatchObject(
      new URLSearchParams({ file_url: "https://cdn.example.com/v.mp4", description: "Tour", access_token: "ptok" }),
    );
    expect(new URL(requests[1]?.url ?? "").searchParams.get("fields")).toBe("post_id,status");
  });

  it("the sandbox: /videos answers { id } (a video), and the video node names its Page post once processed", async () => {
    const grant = await sandboxGrant("facebook");
    const page = grant.platformUserId;
    const res = await sandboxFetch(
      "facebook",
      `/${GRAPH_VERSION}/${page}/videos`,
      form({ file_url: "https://cdn.example.com/v.mp4", description: "Tour", access_token: grant.tokens.accessToken }),
    );
    expect(res.status).toBe(200);
    const video = (await res.json()) as { id: string };
    expect(Object.keys(video)).toEqual(["id"]);
    const node = () =>
      sandboxFetch(
        "facebook",
        `/${GRAPH_VERSION}/${video.id}?fields=post_id,status&access_token=${grant.tokens.accessToken}`,
      ).then((res) => res.json() as Promise<Record<string, unknown>>);
    // Processing: no post_id yet (reference/video-status: video_status "processing").
    const processing = await node();
    expect(processing).not.toHaveProperty("post_id");
    expectShape(processing, { id: video.id, status: { video_status: "processing" } });
    await sandbox("facebook").advanceClock(FACEBOOK_VIDEO_PROCESSING_MS);
    expectShape(await node(), {
      id: video.id,
      post_id: new RegExp(`^${page}_\\w+$`),
      status: { video_status: "ready" },
    });
  });

  it("insights: post_media_view is answered; a deprecated metric fails the whole ?ids= read (#100)", async () => {
    const grant = await sandboxGrant("facebook");
    const page = grant.platformUserId;
    const posted = (await (
      await sandboxFetch(
        "facebook",
        `/${GRAPH_VERSION}/${page}/feed`,
        form({ message: "Hi", access_token: grant.tokens.accessToken }),
      )
    ).json()) as { id: string };
    const read = (metrics: string) =>
      sandboxFetch(
        "facebook",
        `/${GRAPH_VERSION}?${new URLSearchParams({ ids: posted.id, fields: `insights.metric(${metrics})`, access_token: grant.tokens.accessToken })}`,
      );
    const ok = await read("post_media_view,post_total_media_view_unique,post_clicks");
    expect(ok.status).toBe(200);
    expectShape(await ok.json(), {
      [posted.id]: { insights: { data: [{ name: "post_media_view", period: "lifetime", values: [{ value: 0 }] }] } },
    });
    const deprecated = await read("post_impressions,post_media_view");
    expect(deprecated.status).toBe(400);
    expectShape(await deprecated.json(), { error: { ...GRAPH_ERROR.error, code: 100 } });
    expect(((await read("post_impressions_unique").then((r) => r.json())) as typeof GRAPH_ERROR).error.code).toBe(100);
  });

  it("a token without the Pages permissions is refused with Graph's permissions error", async () => {
    const grant = await sandboxGrant("facebook", ["pages_show_list"]);
    const res = await sandboxFetch(
      "facebook",
      `/${GRAPH_VERSION}/${grant.platformUserId}/feed`,
      form({ message: "Hi", access_token: grant.tokens.accessToken }),
    );
    expect(res.status).toBe(403);
    expectShape(await res.json(), { error: { ...GRAPH_ERROR.error, code: 200 } });
  });
});

describe("Instagram contract", () => {
  it("a reel: the adapter creates one REELS container and answers it as processing", async () => {
    const { config, requests } = recordingConfig("instagram", () => Response.json({ id: "17889615691921648" }));
    const result = await new InstagramAdapter(config).publish("tok", "1789", {
      text: "Reel",
      imageUrl: null,
      videoUrl: "https://cdn.example.com/r.mp4",
    });
    expect(isPending(result) && result.containerId).toBe("17889615691921648");
    expect(requests).toHaveLength(1);
    expect(new URL(requests[0]?.url ?? "").pathname).toBe(`/${GRAPH_VERSION}/1789/media`);
    expect(Object.fromEntries(new URLSearchParams(await requests[0]?.text()))).toMatchObject({
      media_type: "REELS",
      video_url: "https://cdn.example.com/r.mp4",
      caption: "Reel",
    });
  });

  it("the sandbox: a reel's container is IN_PROGRESS, media_publish refuses it until FINISHED (9007)", async () => {
    const grant = await sandboxGrant("instagram");
    const user = grant.platformUserId;
    const token = grant.tokens.accessToken;
    const created = await sandboxFetch(
      "instagram",
      `/${GRAPH_VERSION}/${user}/media`,
      form({ media_type: "REELS", video_url: "https://cdn.example.com/r.mp4", caption: "Reel", access_token: token }),
    );
    const { id } = (await created.json()) as { id: string };
    const status = await sandboxFetch("instagram", `/${GRAPH_VERSION}/${id}?fields=status_code&access_token=${token}`);
    expectShape(await status.json(), { id, status_code: "IN_PROGRESS" });
    expect(
      (
        (await (
          await sandboxFetch("instagram", `/${GRAPH_VERSION}/${id}?fields=status_code&access_token=${token}`)
        ).json()) as { status_code: string }
      ).status_code,
    ).toBe("IN_PROGRESS");
    const early = await sandboxFetch(
      "instagram",
      `/${GRAPH_VERSION}/${user}/media_publish`,
      form({ creation_id: id, access_token: token }),
    );
    expect(early.status).toBe(400);
    expectShape(await early.json(), { error: { ...GRAPH_ERROR.error, code: 9007 } });
  });

  it("the sandbox refuses an image that is not JPEG the way Graph does (9004)", async () => {
    const grant = await sandboxGrant("instagram");
    const res = await sandboxFetch(
      "instagram",
      `/${GRAPH_VERSION}/${grant.platformUserId}/media`,
      form({ image_url: "https://cdn.example.com/chart.png", caption: "x", access_token: grant.tokens.accessToken }),
    );
    expect(res.status).toBe(400);
    expectShape(await res.json(), { error: { ...GRAPH_ERROR.error, code: 9004 } });
  });

  it("refresh_access_token: the adapter's request and the answer's { access_token, token_type, expires_in }", async () => {
    const { config, requests } = recordingConfig("instagram", () =>
      Response.json({ access_token: "new", token_type: "bearer", expires_in: 5_183_944 }),
    );
    const tokens = await new InstagramAdapter(config).refresh({
      refreshToken: null,
      accessToken: "old",
      platformUserId: "u",
    });
    expect(tokens.accessToken).toBe("new");
    const url = new URL(requests[0]?.url ?? "");
    expect(url.pathname).toBe("/refresh_access_token");
    expect(Object.fromEntries(url.searchParams)).toEqual({ grant_type: "ig_refresh_token", access_token: "old" });
    const grant = await sandboxGrant("instagram");
    // "at least 24 hours old": a day passes at the platform first.
    await sandbox("instagram").advanceClock(DAY_MS);
    const res = await sandboxFetch(
      "instagram",
      `/refresh_access_token?${new URLSearchParams({ grant_type: "ig_refresh_token", access_token: grant.tokens.accessToken })}`,
    );
    expectShape(await res.json(), { access_token: "", token_type: "bearer", expires_in: 0 });
  });
});
