// LinkedIn's Videos API (learn.microsoft.com, LinkedIn Marketing, Community Management >
// Shares > "Videos API"), from both sides (exchange.ts): the adapter sends the
// documented requests (initializeUpload with the owner and the file's size, each part
// PUT to its upload URL, finalizeUpload naming the parts' ETags in order, GET the video
// until AVAILABLE, then the post with the video's URN) and waits for processing only
// within its budget, on its own clock; the sandbox, sent the documented requests,
// answers in the documented shapes, splits a file into 4 MB parts, and keeps the video
// PROCESSING for a while on its clock, refusing a post that carries it until then.
import { describe, expect, it } from "vitest";
import type { PlatformConfig } from "../../src/core/platforms/config";
import { PlatformError } from "../../src/core/platforms/errors";
import { LinkedInAdapter } from "../../src/core/platforms/linkedin";
import { linkedInVersionFor } from "../../src/core/platforms/linkedin-version";
import { isPending } from "../../src/core/platforms/types";
import { sandbox } from "../support/accounts";
import { expectShape, recordingConfig, sandboxFetch, sandboxGrant } from "./exchange";

const PART = 4_194_304;
const VIDEO = "urn:li:video:C5F10AQGKQg_6y2a4sQ";
const SHARE = "urn:li:share:6844785523593134080";
const MP4 = [0x00, 0x00, 0x00, 0x18, ...Array.from("ftypmp42", (c) => c.charCodeAt(0))];

/** initializeUpload's documented answer for a file of `size` bytes. */
function initialized(size: number) {
  const uploadInstructions = [];
  for (let first = 0, i = 0; first < size; first += PART, i++) {
    uploadInstructions.push({
      uploadUrl: `https://www.linkedin.com/dms-uploads/sp/v2/part-${i}?ca=vector_feedshare&cn=uploads`,
      firstByte: first,
      lastByte: Math.min(size, first + PART) - 1,
    });
  }
  return { value: { uploadUrlsExpireAt: 1_700_000_000_000, video: VIDEO, uploadInstructions, uploadToken: "" } };
}

function mp4(size: number): ArrayBuffer {
  const bytes = new Uint8Array(size);
  bytes.set(MP4);
  return bytes.buffer;
}

/** A recording LinkedIn config over the documented exchange; GET of the video answers `statuses` in turn. */
function videoConfig(size: number, statuses: string[], waitMs = 0): { config: PlatformConfig; requests: Request[] } {
  let polled = 0;
  const { config, requests } = recordingConfig("linkedin", (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/rest/videos" && url.searchParams.get("action") === "initializeUpload") {
      return Response.json(initialized(size));
    }
    if (url.pathname.startsWith("/dms-uploads/")) {
      return new Response(null, { status: 200, headers: { ETag: `"etag-${url.pathname.slice(-1)}"` } });
    }
    if (url.pathname === "/rest/videos") return new Response(null, { status: 200 });
    if (url.pathname.startsWith("/rest/videos/")) {
      return Response.json({ id: VIDEO, status: statuses[Math.min(polled++, statuses.length - 1)] });
    }
    if (url.pathname === "/rest/posts") return new Response(null, { status: 201, headers: { "x-restli-id": SHARE } });
    return Response.json({ status: 404, message: "no such resource" }, { status: 404 });
  });
  let now = Date.parse("2026-03-10T12:00:00Z");
  config.clock = () => now;
  config.fetchMedia = async () => mp4(size);
  config.processingWaitMs = waitMs;
  config.pause = async (ms) => {
    now += ms;
  };
  return { config, requests };
}

const route = (r: Request) => `${r.method} ${new URL(r.url).pathname}${new URL(r.url).search}`;

describe("LinkedIn video contract: the adapter", () => {
  it("initializeUpload, each part PUT to its URL, finalizeUpload with the ETags in order, GET until AVAILABLE, then the post", async () => {
    const size = 2 * PART + 100;
    const { config, requests } = videoConfig(size, ["PROCESSING", "AVAILABLE"], 10_000);
    const result = await new LinkedInAdapter(config).publish("tok", "abc", {
      text: "Pour",
      imageUrl: null,
      videoUrl: "https://cdn.example.com/pour.mp4",
    });
    expect(isPending(result)).toBe(false);
    expect(result).toMatchObject({ platformPostId: SHARE });
    expect(requests.map(route)).toEqual([
      "POST /rest/videos?action=initializeUpload",
      "PUT /dms-uploads/sp/v2/part-0?ca=vector_feedshare&cn=uploads",
      "PUT /dms-uploads/sp/v2/part-1?ca=vector_feedshare&cn=uploads",
      "PUT /dms-uploads/sp/v2/part-2?ca=vector_feedshare&cn=uploads",
      "POST /rest/videos?action=finalizeUpload",
      `GET /rest/videos/${encodeURIComponent(VIDEO)}`,
      `GET /rest/videos/${encodeURIComponent(VIDEO)}`,
      "POST /rest/posts",
    ]);
    expect(await requests[0]?.json()).toEqual({
      initializeUploadRequest: {
        owner: "urn:li:person:abc",
        fileSizeBytes: size,
        uploadCaptions: false,
        uploadThumbnail: false,
      },
    });
    const parts = await Promise.all(requests.slice(1, 4).map(async (r) => (await r.arrayBuffer()).byteLength));
    expect(parts).toEqual([PART, PART, 100]);
    expect(await requests[4]?.json()).toEqual({
      finalizeUploadRequest: { video: VIDEO, uploadToken: "", uploadedPartIds: ['"etag-0"', '"etag-1"', '"etag-2"'] },
    });
    for (const request of [requests[0], requests[4], requests[5], requests[7]]) {
      expect(request?.headers.get("LinkedIn-Version"), route(request as Request)).toMatch(/^\d{6}$/);
    }
    expect(await requests[7]?.json()).toMatchObject({ author: "urn:li:person:abc", content: { media: { id: VIDEO } } });
  });

  it("still PROCESSING past the request's budget: processing, the alarm posts it with the same video", async () => {
    const { config, requests } = videoConfig(1000, ["PROCESSING", "PROCESSING", "AVAILABLE", "PROCESSING_FAILED"]);
    const adapter = new LinkedInAdapter(config);
    const result = await adapter.publish("tok", "abc", {
      text: "Pour",
      imageUrl: null,
      videoUrl: "https://c.test/v.mp4",
    });
    expect(result).toEqual({ kind: "processing", containerId: VIDEO, calls: 4 });
    expect(requests.map(route)).not.toContain("POST /rest/posts");
    expect(adapter.reportsPublished).toBe(false);
    const seen = [];
    for (let i = 0; i < 3; i++) seen.push(await adapter.containerStatus("tok", VIDEO));
    expect(seen).toEqual(["IN_PROGRESS", "FINISHED", "ERROR"]);
    await adapter.publishContainer("tok", "abc", VIDEO, { text: "Pour", imageUrl: null, videoUrl: null });
    expect(await requests.at(-1)?.json()).toMatchObject({ content: { media: { id: VIDEO } } });
  });

  it("a MOV, a GIF or bytes that are no video are refused before any call; a failed processing refuses the post", async () => {
    for (const signature of [
      [0x00, 0x00, 0x00, 0x14, ...Array.from("ftypqt  ", (c) => c.charCodeAt(0))],
      Array.from("GIF89a", (c) => c.charCodeAt(0)),
      [0x3c, 0x68, 0x74, 0x6d, 0x6c],
    ]) {
      const { config, requests } = videoConfig(100, ["AVAILABLE"]);
      const bytes = new Uint8Array(100);
      bytes.set(signature);
      config.fetchMedia = async () => bytes.buffer;
      const refused = await new LinkedInAdapter(config)
        .publish("tok", "abc", { text: "x", imageUrl: null, videoUrl: "https://c.test/v.mp4" })
        .catch((error: unknown) => error);
      expect(refused, String(signature)).toMatchObject({ kind: "media", details: { field: "video_url" } });
      expect(requests, String(signature)).toEqual([]);
    }
    const { config, requests } = videoConfig(100, ["PROCESSING_FAILED"], 5_000);
    const failed = await new LinkedInAdapter(config)
      .publish("tok", "abc", { text: "x", imageUrl: null, videoUrl: "https://c.test/v.mp4" })
      .catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(PlatformError);
    expect((failed as PlatformError).kind).toBe("rejected");
    expect(requests.map(route)).not.toContain("POST /rest/posts");
  });
});

describe("LinkedIn video contract: the sandbox", () => {
  function restHeaders(token: string): Record<string, string> {
    return {
      Authorization: `Bearer ${token}`,
      "LinkedIn-Version": linkedInVersionFor(Date.now()),
      "X-Restli-Protocol-Version": "2.0.0",
      "Content-Type": "application/json",
    };
  }

  it("answers the documented shapes in 4 MB parts; the video is PROCESSING until its time, and only then postable", async () => {
    const grant = await sandboxGrant("linkedin");
    const headers = restHeaders(grant.tokens.accessToken);
    const owner = `urn:li:person:${grant.platformUserId}`;
    const size = PART + 80 * 1024;
    const init = await sandboxFetch("linkedin", "/rest/videos?action=initializeUpload", {
      method: "POST",
      headers,
      body: JSON.stringify({
        initializeUploadRequest: { owner, fileSizeBytes: size, uploadCaptions: false, uploadThumbnail: false },
      }),
    });
    expect(init.status).toBe(200);
    const body = (await init.json()) as ReturnType<typeof initialized>;
    expectShape(body, {
      value: {
        uploadUrlsExpireAt: 0,
        video: /^urn:li:video:\S+$/,
        uploadInstructions: [{ uploadUrl: /^https?:\/\//, firstByte: 0, lastByte: 0 }],
        uploadToken: "",
      },
    });
    const { video, uploadInstructions } = body.value;
    expect(uploadInstructions.map((i) => [i.firstByte, i.lastByte])).toEqual([
      [0, PART - 1],
      [PART, size - 1],
    ]);
    const etags: string[] = [];
    for (const instruction of uploadInstructions) {
      const put = await sandbox("linkedin").fetch(
        new Request(instruction.uploadUrl, {
          method: "PUT",
          headers: { "Content-Type": "application/octet-stream" },
          body: new Uint8Array(instruction.lastByte - instruction.firstByte + 1),
        }),
      );
      expect(put.status).toBe(200);
      etags.push(put.headers.get("ETag") as string);
    }
    const status = async () => {
      const res = await sandboxFetch("linkedin", `/rest/videos/${encodeURIComponent(video)}`, { headers });
      expect(res.status).toBe(200);
      return ((await res.json()) as { status: string }).status;
    };
    expect(await status()).toBe("WAITING_UPLOAD");
    const wrongOrder = await sandboxFetch("linkedin", "/rest/videos?action=finalizeUpload", {
      method: "POST",
      headers,
      body: JSON.stringify({
        finalizeUploadRequest: { video, uploadToken: "", uploadedPartIds: [...etags].reverse() },
      }),
    });
    expect(wrongOrder.status, "ETags out of order").toBe(400);
    const finalized = await sandboxFetch("linkedin", "/rest/videos?action=finalizeUpload", {
      method: "POST",
      headers,
      body: JSON.stringify({ finalizeUploadRequest: { video, uploadToken: "", uploadedPartIds: etags } }),
    });
    expect(finalized.status).toBe(200);
    const post = () =>
      sandboxFetch("linkedin", "/rest/posts", {
        method: "POST",
        headers,
        body: JSON.stringify({
          author: owner,
          commentary: `Pour ${crypto.randomUUID()}`,
          visibility: "PUBLIC",
          distribution: { feedDistribution: "MAIN_FEED", targetEntities: [], thirdPartyDistributionChannels: [] },
          lifecycleState: "PUBLISHED",
          isReshareDisabledByAuthor: false,
          content: { media: { id: video } },
        }),
      });
    expect(await status()).toBe("PROCESSING");
    expect((await post()).status).toBe(400);
    await sandbox("linkedin").advanceClock(30_000);
    expect(await status()).toBe("AVAILABLE");
    expect((await post()).status).toBe(201);
  });

  it("refuses what LinkedIn refuses: another owner, a file under 75 KB or over 500 MB, a part of the wrong size", async () => {
    const grant = await sandboxGrant("linkedin");
    const headers = restHeaders(grant.tokens.accessToken);
    const initialize = (owner: string, size: number) =>
      sandboxFetch("linkedin", "/rest/videos?action=initializeUpload", {
        method: "POST",
        headers,
        body: JSON.stringify({
          initializeUploadRequest: { owner, fileSizeBytes: size, uploadCaptions: false, uploadThumbnail: false },
        }),
      });
    const owner = `urn:li:person:${grant.platformUserId}`;
    expect((await initialize("urn:li:person:someone-else", 100_000)).status, "another owner").toBe(403);
    expect((await initialize(owner, 70 * 1024)).status, "under 75 KB").toBe(400);
    expect((await initialize(owner, 501 * 1024 * 1024)).status, "over 500 MB").toBe(400);
    const ok = (await (await initialize(owner, 100_000)).json()) as ReturnType<typeof initialized>;
    const uploadUrl = ok.value.uploadInstructions[0]?.uploadUrl ?? "";
    const short = await sandbox("linkedin").fetch(
      new Request(uploadUrl, { method: "PUT", body: new Uint8Array(99_999) }),
    );
    expect(short.status, "a part one byte short").toBe(400);
    const unsigned = await sandbox("linkedin").fetch(
      new Request(uploadUrl.replace(/sig=[^&]+/, "sig=forged"), {
        method: "PUT",
        body: new Uint8Array(100_000),
      }),
    );
    expect(unsigned.status, "a URL without its signature").toBe(403);
  });
});
