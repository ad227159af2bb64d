// The bounded media fetch (issue 11, item 7), against a stubbed fetch (tests cannot
// reach the internet): https only, one deadline, the platform's byte cap counted
// while the body streams, the content type checked. Each refusal names its field.
import { afterEach, describe, expect, it, vi } from "vitest";
import { isPlatformError } from "../../src/platforms/errors";
import { fetchMediaBounded, LINKEDIN_IMAGE, type MediaPolicy } from "../../src/platforms/media";

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
    expect(refused).toEqual({ field: "image_url", message: expect.stringContaining("larger than") });
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
    expect(refused.message).toContain("larger than");
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
    expect(refused).toEqual({ field: "video_url", message: expect.stringContaining("did not arrive within 300 ms") });
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

  it("refuses an answer that is not a success", async () => {
    serve(() => new Response("gone", { status: 404, headers: { "Content-Type": "image/jpeg" } }));
    expect((await refusal(fetchMediaBounded("https://cdn.test/x.jpg", "image_url", SMALL, 2000))).message).toContain(
      "404",
    );
  });
});
