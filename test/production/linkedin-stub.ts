// The production project's LinkedIn (tests cannot reach the internet): a fetch spy
// answering for linkedin.platform.test, where vitest.config.ts points the configured
// LinkedIn app, and for media hosts a test describes. Every request is recorded, so a
// test can say what was (not) sent. A new Response per call: one Response
// shared between calls fails inside a Durable Object.
import { vi } from "vitest";
import { TEST_LIVE_LINKEDIN } from "../support/test-secrets";

export const LINKEDIN_HOST = new URL(TEST_LIVE_LINKEDIN.LINKEDIN_API_BASE).host;

export interface StubbedPlatform {
  /** Every request made through fetch, as "METHOD url". */
  requests: string[];
  /** Answers for media URLs, by URL. */
  media: Map<string, () => Response>;
  /** The LinkedIn member the next code exchange signs in. */
  member: string;
  restore(): void;
}

function linkedIn(request: Request, platform: StubbedPlatform): Response {
  const path = new URL(request.url).pathname;
  if (path === "/oauth/v2/accessToken") {
    return Response.json({
      access_token: `at-${crypto.randomUUID()}`,
      expires_in: 5_184_000,
      refresh_token: `rt-${crypto.randomUUID()}`,
      refresh_token_expires_in: 31_536_000,
      scope: "openid,profile,w_member_social,r_member_postAnalytics",
    });
  }
  if (path === "/v2/userinfo") return Response.json({ sub: platform.member, name: "Lin Ked" });
  if (path === "/rest/images") {
    return Response.json({
      value: { uploadUrl: `https://${LINKEDIN_HOST}/upload/${crypto.randomUUID()}`, image: "urn:li:image:1" },
    });
  }
  if (path.startsWith("/upload/")) return new Response(null, { status: 201 });
  if (path === "/rest/posts") {
    return new Response(null, { status: 201, headers: { "x-restli-id": `urn:li:share:${crypto.randomUUID()}` } });
  }
  // Member Post Statistics: no data point yet (learn.microsoft.com, memberCreatorPostAnalytics).
  if (path === "/rest/memberCreatorPostAnalytics")
    return Response.json({ paging: { start: 0, count: 10 }, elements: [] });
  return Response.json({ message: `no stub for ${path}` }, { status: 404 });
}

export function stubPlatform(): StubbedPlatform {
  const platform: StubbedPlatform = {
    requests: [],
    media: new Map(),
    member: `member-${crypto.randomUUID()}`,
    restore: () => spy.mockRestore(),
  };
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    platform.requests.push(`${request.method} ${request.url}`);
    if (new URL(request.url).host === LINKEDIN_HOST) return linkedIn(request, platform);
    const media = platform.media.get(request.url);
    if (media) return media();
    return new Response("unreachable in tests", { status: 502 });
  });
  return platform;
}
