// X's media upload (docs.x.com, "Media upload": initialize-media-upload,
// append-media-upload, finalize-media-upload, get-media-upload-status; "Media types &
// size restrictions"), from both sides (exchange.ts): the adapter sends the documented
// requests for a GIF (tweet_gif) and a video (tweet_video) and reads the documented
// answers, waits for processing only within its budget (on its own clock, never
// sleeping), and otherwise answers the publish as processing; the sandbox, sent the
// documented requests, answers in the documented shapes and keeps media processing for
// a while on its clock, refusing a post that carries it until it has succeeded.
import { describe, expect, it } from "vitest";
import type { PlatformConfig } from "../../src/core/platforms/config";
import { PlatformError } from "../../src/core/platforms/errors";
import { isPending } from "../../src/core/platforms/types";
import { XAdapter } from "../../src/core/platforms/x";
import { X_SEGMENT_BYTES } from "../../src/core/platforms/x-upload";
import { sandbox } from "../support/accounts";
import { expectShape, recordingConfig, sandboxFetch, sandboxGrant } from "./exchange";

const MEDIA_ID = "1880028106020515840";
/** initialize's documented answer. */
const INITIALIZED = { data: { id: MEDIA_ID, media_key: `7_${MEDIA_ID}`, expires_after_secs: 1295999 } };
/** finalize's answer for media X still processes. */
const FINALIZED = {
  data: {
    id: MEDIA_ID,
    media_key: `7_${MEDIA_ID}`,
    size: 0,
    expires_after_secs: 86400,
    processing_info: { state: "pending", check_after_secs: 1 },
  },
};
const statusAnswer = (state: string) => ({
  data: {
    id: MEDIA_ID,
    media_key: `7_${MEDIA_ID}`,
    processing_info: { state, check_after_secs: 1, progress_percent: 50 },
  },
});
const CREATED = { data: { id: "1445880548472328192", text: "Pour" } };

const MP4 = [0x00, 0x00, 0x00, 0x18, ...Array.from("ftypmp42", (c) => c.charCodeAt(0))];
const GIF = Array.from("GIF89a", (c) => c.charCodeAt(0));

/** A file of `size` bytes starting with `signature`. */
function file(signature: number[], size: number): ArrayBuffer {
  const bytes = new Uint8Array(size);
  bytes.set(signature);
  return bytes.buffer;
}

/** A recording config whose media is `bytes`, that may wait `waitMs` on a clock of its own. */
function mediaConfig(
  bytes: ArrayBuffer,
  answer: (request: Request, index: number) => Response,
  waitMs = 0,
): { config: PlatformConfig; requests: Request[]; waited: number[] } {
  const { config, requests } = recordingConfig("twitter", answer);
  let now = Date.parse("2026-03-10T12:00:00Z");
  const waited: number[] = [];
  config.clock = () => now;
  config.fetchMedia = async () => bytes;
  config.processingWaitMs = waitMs;
  config.pause = async (ms) => {
    waited.push(ms);
    now += ms;
  };
  return { config, requests, waited };
}

/** Answers the documented chunked exchange; STATUS answers `states` in turn. */
function chunkedAnswers(states: string[]) {
  let status = 0;
  return (request: Request): Response => {
    const path = new URL(request.url).pathname;
    if (path.endsWith("/initialize")) return Response.json(INITIALIZED);
    if (path.endsWith("/append")) return Response.json({ data: { expires_at: 1_900_000_000 } });
    if (path.endsWith("/finalize")) return Response.json(FINALIZED);
    if (path === "/2/media/upload" && request.method === "GET") {
      return Response.json(statusAnswer(states[Math.min(status++, states.length - 1)] as string));
    }
    if (path === "/2/tweets") return Response.json(CREATED, { status: 201 });
    return Response.json({ title: "Not Found" }, { status: 404 });
  };
}

const route = (r: Request) => `${r.method} ${new URL(r.url).pathname}`;

describe("X media contract: the adapter", () => {
  it("a video: initialize, 4 MiB appends in order, finalize, STATUS until succeeded, then the post with its media id", async () => {
    const size = 2 * X_SEGMENT_BYTES + 1234;
    const { config, requests, waited } = mediaConfig(
      file(MP4, size),
      chunkedAnswers(["in_progress", "succeeded"]),
      10_000,
    );
    const result = await new XAdapter(config).publish("tok", "u", {
      text: "Pour",
      imageUrl: null,
      videoUrl: "https://cdn.example.com/pour.mp4",
    });
    expect(isPending(result)).toBe(false);
    expect(result).toMatchObject({ platformPostId: CREATED.data.id, calls: 8 });
    expect(requests.map(route)).toEqual([
      "POST /2/media/upload/initialize",
      `POST /2/media/upload/${MEDIA_ID}/append`,
      `POST /2/media/upload/${MEDIA_ID}/append`,
      `POST /2/media/upload/${MEDIA_ID}/append`,
      `POST /2/media/upload/${MEDIA_ID}/finalize`,
      "GET /2/media/upload",
      "GET /2/media/upload",
      "POST /2/tweets",
    ]);
    expect(await requests[0]?.json()).toEqual({
      media_type: "video/mp4",
      total_bytes: size,
      media_category: "tweet_video",
    });
    const segments = await Promise.all(requests.slice(1, 4).map((r) => r.formData()));
    expect(segments.map((form) => form.get("segment_index"))).toEqual(["0", "1", "2"]);
    const sizes = segments.map((form) => (form.get("media") as File).size);
    expect(sizes).toEqual([X_SEGMENT_BYTES, X_SEGMENT_BYTES, 1234]);
    const status = new URL(requests[5]?.url ?? "");
    expect(Object.fromEntries(status.searchParams)).toEqual({ command: "STATUS", media_id: MEDIA_ID });
    for (const request of requests) expect(request.headers.get("Authorization"), route(request)).toBe("Bearer tok");
    expect(await requests[7]?.json()).toEqual({ text: "Pour", media: { media_ids: [MEDIA_ID] } });
    // It waited on its clock (1 s between the two checks), never past its budget.
    expect(waited).toEqual([1000]);
  });

  it("processing longer than the request may wait: the publish is processing, the alarm finishes it with the same media", async () => {
    const { config, requests, waited } = mediaConfig(file(MP4, 5000), chunkedAnswers(["in_progress"]), 3_000);
    const adapter = new XAdapter(config);
    const result = await adapter.publish("tok", "u", {
      text: "Pour",
      imageUrl: null,
      videoUrl: "https://c.test/v.mp4",
    });
    // initialize, one append, finalize, and a STATUS check before and after each pause.
    expect(result).toEqual({ kind: "processing", containerId: MEDIA_ID, calls: 3 + waited.length + 1 });
    expect(requests.map(route)).not.toContain("POST /2/tweets");
    expect(waited.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(3_000);
    // The alarm's side (objects/publishing/container-poller.ts).
    expect(adapter.reportsPublished).toBe(false);
    const states = mediaConfig(file(MP4, 100), chunkedAnswers(["pending", "in_progress", "succeeded", "failed"]));
    const polled = new XAdapter(states.config);
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push(await polled.containerStatus("tok", MEDIA_ID));
    expect(seen).toEqual(["IN_PROGRESS", "IN_PROGRESS", "FINISHED", "ERROR"]);
    const published = await polled.publishContainer("tok", "u", MEDIA_ID, {
      text: "Pour",
      imageUrl: null,
      videoUrl: null,
    });
    expect(published.platformPostId).toBe(CREATED.data.id);
    expect(await states.requests.at(-1)?.json()).toEqual({ text: "Pour", media: { media_ids: [MEDIA_ID] } });
  });

  it("a GIF given as image_url goes chunked as tweet_gif; a JPEG through the simple upload as tweet_image", async () => {
    const gif = mediaConfig(file(GIF, 3000), chunkedAnswers(["succeeded"]));
    await new XAdapter(gif.config).publish("tok", "u", {
      text: "Spin",
      imageUrl: "https://c.test/s.gif",
      videoUrl: null,
    });
    expect(await gif.requests[0]?.json()).toEqual({
      media_type: "image/gif",
      total_bytes: 3000,
      media_category: "tweet_gif",
    });
    const jpeg = mediaConfig(file([0xff, 0xd8, 0xff], 3000), (request) =>
      new URL(request.url).pathname === "/2/tweets"
        ? Response.json(CREATED, { status: 201 })
        : Response.json({ data: { id: MEDIA_ID, media_key: `3_${MEDIA_ID}` } }),
    );
    await new XAdapter(jpeg.config).publish("tok", "u", {
      text: "Still",
      imageUrl: "https://c.test/s.jpg",
      videoUrl: null,
    });
    expect(jpeg.requests.map(route)).toEqual(["POST /2/media/upload", "POST /2/tweets"]);
    const form = await jpeg.requests[0]?.formData();
    expect(form?.get("media_category")).toBe("tweet_image");
  });

  it("failed processing refuses the post; a timeout during the upload is unavailable (nothing was posted), not unknown", async () => {
    const failed = mediaConfig(file(MP4, 100), chunkedAnswers(["failed"]), 5_000);
    const refused = await new XAdapter(failed.config)
      .publish("tok", "u", { text: "x", imageUrl: null, videoUrl: "https://c.test/v.mp4" })
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({ kind: "rejected" });
    expect(failed.requests.map(route)).not.toContain("POST /2/tweets");
    const slow = mediaConfig(file(MP4, 100), (request) => {
      if (new URL(request.url).pathname.endsWith("/append")) return new Promise<Response>(() => {}) as never;
      return chunkedAnswers(["succeeded"])(request);
    });
    slow.config.timeoutMs = 50;
    const timedOut = await new XAdapter(slow.config)
      .publish("tok", "u", { text: "x", imageUrl: null, videoUrl: "https://c.test/v.mp4" })
      .catch((error: unknown) => error);
    expect(timedOut).toBeInstanceOf(PlatformError);
    expect((timedOut as PlatformError).kind).toBe("unavailable");
    expect((timedOut as PlatformError).outcomeUnknown).toBe(false);
  });
});

describe("X media contract: the sandbox", () => {
  async function upload(token: string, category: string, type: string, bytes: number) {
    const auth = { Authorization: `Bearer ${token}` };
    const init = await sandboxFetch("twitter", "/2/media/upload/initialize", {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/json" },
      body: JSON.stringify({ media_type: type, total_bytes: bytes, media_category: category }),
    });
    return { init, auth };
  }

  function appendForm(index: number, size: number): FormData {
    const form = new FormData();
    form.set("segment_index", String(index));
    form.set("media", new Blob([new Uint8Array(size)]));
    return form;
  }

  it("answers the documented shapes; the media is in_progress until its processing time, and only then postable", async () => {
    const grant = await sandboxGrant("twitter");
    const { init, auth } = await upload(grant.tokens.accessToken, "tweet_video", "video/mp4", 6000);
    expect(init.status).toBe(200);
    const { data } = (await init.json()) as { data: { id: string } };
    expectShape({ data }, { data: { id: /^\w+$/, media_key: /^7_\w+$/, expires_after_secs: 0 } });
    const id = data.id;
    for (const [index, size] of [
      [0, 4000],
      [1, 2000],
    ] as const) {
      const appended = await sandboxFetch("twitter", `/2/media/upload/${id}/append`, {
        method: "POST",
        headers: auth,
        body: appendForm(index, size),
      });
      expect(appended.status, `segment ${index}`).toBe(200);
    }
    const finalized = await sandboxFetch("twitter", `/2/media/upload/${id}/finalize`, {
      method: "POST",
      headers: auth,
    });
    expect(finalized.status).toBe(200);
    expectShape(await finalized.json(), { data: { ...FINALIZED.data, id } });
    const status = async () => {
      const res = await sandboxFetch("twitter", `/2/media/upload?command=STATUS&media_id=${id}`, { headers: auth });
      expect(res.status).toBe(200);
      return ((await res.json()) as { data: { processing_info: { state: string } } }).data.processing_info.state;
    };
    const tweet = () =>
      sandboxFetch("twitter", "/2/tweets", {
        method: "POST",
        headers: { ...auth, "Content-Type": "application/json" },
        body: JSON.stringify({ text: `Pour ${crypto.randomUUID()}`, media: { media_ids: [id] } }),
      });
    expect(await status()).toBe("in_progress");
    expect((await tweet()).status).toBe(400);
    await sandbox("twitter").advanceClock(30_000);
    expect(await status()).toBe("succeeded");
    expect((await tweet()).status).toBe(201);
  });

  it("refuses what X refuses: a type outside the category, a segment over 5 MB, an incomplete finalize, STATUS before finalize", async () => {
    const grant = await sandboxGrant("twitter");
    const token = grant.tokens.accessToken;
    expect((await upload(token, "tweet_gif", "video/mp4", 100)).init.status, "video as tweet_gif").toBe(400);
    expect((await upload(token, "tweet_gif", "image/gif", 16 * 1024 * 1024)).init.status, "GIF over 15 MB").toBe(400);
    const { init, auth } = await upload(token, "tweet_video", "video/mp4", 8 * 1024 * 1024);
    const { data } = (await init.json()) as { data: { id: string } };
    const big = await sandboxFetch("twitter", `/2/media/upload/${data.id}/append`, {
      method: "POST",
      headers: auth,
      body: appendForm(0, 5 * 1024 * 1024 + 1),
    });
    expect(big.status, "a segment over 5 MB").toBe(400);
    const early = await sandboxFetch("twitter", `/2/media/upload?command=STATUS&media_id=${data.id}`, {
      headers: auth,
    });
    expect(early.status, "STATUS before finalize").toBe(400);
    await sandboxFetch("twitter", `/2/media/upload/${data.id}/append`, {
      method: "POST",
      headers: auth,
      body: appendForm(0, 1024),
    });
    const incomplete = await sandboxFetch("twitter", `/2/media/upload/${data.id}/finalize`, {
      method: "POST",
      headers: auth,
    });
    expect(incomplete.status, "1 KiB of 8 MiB").toBe(400);
  });

  it("the adapter and the sandbox agree: a GIF published through the adapter processes, then posts", async () => {
    const grant = await sandboxGrant("twitter");
    const { platformAdapter } = await import("../../src/core/platforms");
    const { env } = await import("cloudflare:workers");
    const adapter = platformAdapter(env, "twitter", "https://api.test");
    const pending = await adapter.publish(grant.tokens.accessToken, grant.platformUserId, {
      text: `Spin ${crypto.randomUUID()}`,
      imageUrl: "https://cdn.example.com/spin.gif",
      videoUrl: null,
    });
    expect(isPending(pending)).toBe(true);
    const mediaId = (pending as { containerId: string }).containerId;
    expect(await adapter.containerStatus?.(grant.tokens.accessToken, mediaId)).toBe("IN_PROGRESS");
    await sandbox("twitter").advanceClock(5_000);
    expect(await adapter.containerStatus?.(grant.tokens.accessToken, mediaId)).toBe("FINISHED");
  });
});
