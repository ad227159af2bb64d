// The bounded media fetch (src/core/platforms/media.ts), against a stubbed fetch (tests cannot
// reach the internet): https only, one deadline, the platform's byte cap counted
// while the body streams, the content type checked. Each refusal names its field.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { platformConfig } from "../../src/core/platforms/config";
import { isPlatformError } from "../../src/core/platforms/errors";
import { InstagramAdapter } from "../../src/core/platforms/instagram";
import { fetchMediaBounded, LINKEDIN_IMAGE, type MediaPolicy } from "../../src/core/platforms/media";
import { sandboxGrant } from "../contracts/exchange";

const SMALL: MediaPolicy = { "image/jpeg": 10_000, "image/png": 10_000 };

afterEach(() => vi.restoreAllMocks());

/** Serves `answer()` for every fetch (a new Response each time), recording the URLs asked for. */
function serve(answer: (url: string) => Response): string[] {
  const asked: string[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
    const url = input instanceof Request ? input.url : String(input);
    asked.push(url);
    return answer(url);
  });
  return asked;
}

async function refusal(promise: Promise<unknown>): Promise<{ field: string | undefined; message: string }> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!isPlatformError(error) || error.kind !== "media") throw new Error(`expected a media refusal, got ${error}`);
  return { field: error.details.field, message: error.message };
}

describe("fetchMediaBounded", () => {
  it("returns the bytes of an acceptable image", async () => {
    const bytes = crypto.getRandomValues(new Uint8Array(5000));
    serve(() => new Response(bytes, { headers: { "Content-Type": "image/png; charset=binary" } }));
    const got = await fetchMediaBounded("https://cdn.test/a.png", "image_url", SMALL, 2000);
    expect(new Uint8Array(got)).toEqual(bytes);
  });

  it("stops reading a body that streams past the cap, and says so", async () => {
    let pulled = 0;
    let cancelled = false;
    serve(
      () =>
        new Response(
          new ReadableStream({
            pull(controller) {
              pulled += 1;
              controller.enqueue(new Uint8Array(4096));
            },
            cancel() {
              cancelled = true;
            },
          }),
          { headers: { "Content-Type": "image/jpeg" } },
        ),
    );
    const refused = await refusal(fetchMediaBounded("https://cdn.test/endless.jpg", "image_url", SMALL, 5000));
    expect(refused).toEqual({ field: "image_url", message: expect.stringContaining("is too large") });
    expect(cancelled).toBe(true);
    // 10,000 bytes is three chunks of 4,096: the fourth is never asked for past the one that crossed.
    expect(pulled).toBeLessThanOrEqual(4);
  });

  it("refuses a declared Content-Length over the cap without reading the body", async () => {
    let pulled = 0;
    serve(
      () =>
        new Response(
          new ReadableStream({
            pull(controller) {
              pulled += 1;
              controller.enqueue(new Uint8Array(10));
              controller.close();
            },
          }),
          { headers: { "Content-Type": "image/jpeg", "Content-Length": String(6 * 1024 * 1024) } },
        ),
    );
    const refused = await refusal(fetchMediaBounded("https://cdn.test/big.jpg", "image_url", LINKEDIN_IMAGE, 5000));
    expect(refused.message).toContain("is too large");
    expect(pulled).toBeLessThanOrEqual(1);
  });

  it("gives up on a body that stops arriving before the deadline", async () => {
    serve(
      () =>
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new Uint8Array(100));
              // ...and nothing more, ever.
            },
          }),
          { headers: { "Content-Type": "image/jpeg" } },
        ),
    );
    const refused = await refusal(fetchMediaBounded("https://cdn.test/slow.jpg", "video_url", SMALL, 300));
    expect(refused).toEqual({ field: "video_url", message: expect.stringContaining("timed out") });
    expect(refused.message).toContain("within 300 ms");
  });

  it("refuses a content type the platform does not accept", async () => {
    serve(() => new Response("<svg/>", { headers: { "Content-Type": "image/svg+xml" } }));
    const refused = await refusal(fetchMediaBounded("https://cdn.test/a.svg", "image_url", SMALL, 2000));
    expect(refused.message).toContain("image/svg+xml");
    serve(() => new Response("no type"));
    const untyped = await refusal(fetchMediaBounded("https://cdn.test/a", "image_url", SMALL, 2000));
    expect(untyped.field).toBe("image_url");
  });

  it("fetches nothing but https, also after a redirect", async () => {
    const asked = serve((url) =>
      url.endsWith("/hop")
        ? new Response(null, { status: 302, headers: { Location: "http://cdn.test/plain.jpg" } })
        : new Response(new Uint8Array(10), { headers: { "Content-Type": "image/jpeg" } }),
    );
    for (const url of ["http://cdn.test/plain.jpg", "ftp://cdn.test/a.jpg", "https://user:pw@cdn.test/a.jpg", "nope"]) {
      expect((await refusal(fetchMediaBounded(url, "image_url", SMALL, 2000))).field).toBe("image_url");
    }
    expect(asked).toEqual([]);
    const refused = await refusal(fetchMediaBounded("https://cdn.test/hop", "image_url", SMALL, 2000));
    expect(refused.message).toContain("https");
    expect(asked).toEqual(["https://cdn.test/hop"]);
  });

  it("refuses an answer that is not a success by its status class, never the host's words", async () => {
    const HOST_WORDS = "internal-bucket-7 denied: AccessDenied for arn:aws:s3:::secret";
    const cases: [number, string][] = [
      [404, "answered 4xx"],
      [403, "answered 4xx"],
      [503, "answered 5xx"],
    ];
    for (const [status, expected] of cases) {
      serve(
        () => new Response(HOST_WORDS, { status, statusText: HOST_WORDS, headers: { "Content-Type": "image/jpeg" } }),
      );
      const refused = await refusal(fetchMediaBounded("https://cdn.test/x.jpg", "image_url", SMALL, 2000));
      expect(refused.field, `${status}`).toBe("image_url");
      expect(refused.message, `${status}`).toBe(`image_url could not be fetched (the media host ${expected})`);
    }
  });
});

describe("a media fetch that fails tells the client only the field and what kind of failure", () => {
  const HOST_WORDS = "secret-host.internal: TLS alert from 10.0.0.7 (private)";

  it("a host that cannot be reached: the runtime's words stay in the log", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    vi.spyOn(globalThis, "fetch").mockRejectedValue(new Error(HOST_WORDS));
    const refused = await refusal(fetchMediaBounded("https://cdn.test/x.jpg", "image_url", SMALL, 2000));
    expect(refused).toEqual({
      field: "image_url",
      message: "image_url could not be fetched (the media host could not be reached)",
    });
  });

  it("a content type that is not a media type is not echoed", async () => {
    serve(() => new Response("x", { headers: { "Content-Type": HOST_WORDS } }));
    const refused = await refusal(fetchMediaBounded("https://cdn.test/x.jpg", "image_url", SMALL, 2000));
    expect(refused.message).toBe(
      "image_url is not of a declared media type; the platform accepts image/jpeg, image/png",
    );
  });

  it("Instagram's refusal of media it fetched (Graph 9004, as the sandbox answers a PNG) names the field, not Graph's words", async () => {
    const grant = await sandboxGrant("instagram");
    // Our own fetch is handed a JPEG (so the adapter's byte check lets it through); Graph,
    // fetching the URL itself, gets the PNG the sandbox's media host serves there.
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0]).buffer as ArrayBuffer;
    const adapter = new InstagramAdapter({ ...platformConfig(env, "instagram"), fetchMedia: async () => jpeg });
    const error = await adapter
      .publish(grant.tokens.accessToken, grant.platformUserId, {
        text: "A chart",
        imageUrl: "https://cdn.example.com/chart.png",
        videoUrl: null,
      })
      .then(
        () => null,
        (caught: unknown) => caught,
      );
    expect(isPlatformError(error) && error.kind).toBe("media");
    expect(isPlatformError(error) && error.details.field).toBe("image_url");
    expect((error as Error).message).toBe("image_url could not be fetched by instagram (it answered 4xx)");
  });
});
