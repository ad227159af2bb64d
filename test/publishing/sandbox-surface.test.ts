// The sandbox's public surface in development mode (ARCHITECTURE.md, Fail closed): the
// same body limit as /v1 before anything reads the body, its control token compared
// in constant time, and codes sent only to this origin's registered callback.
import { exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sandbox, sandboxUser } from "../support/accounts";
import { TestBrowser } from "../support/browser";
import { call, ORIGIN } from "../support/http";
import { approveAtSandbox } from "../support/sandbox-sign-in";
import { ADMIN } from "../support/tenants";

afterEach(() => vi.restoreAllMocks());

const THIRTY_MB = 30 * 1024 * 1024;

function tokenRequest(body: BodyInit, headers: Record<string, string> = {}): Promise<Response> {
  return exports.default.fetch(
    new Request(`${ORIGIN}/sandbox/linkedin/oauth/v2/accessToken`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
      body,
    }),
  );
}

async function expectTooLarge(res: Response): Promise<void> {
  expect(res.status, await res.clone().text()).toBe(413);
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
}

describe("the sandbox in development mode", () => {
  it("refuses a 30 MB unauthenticated form with 413 before the sandbox reads it", async () => {
    const before = await sandbox("linkedin").counters();
    const form = `grant_type=authorization_code&code=${"x".repeat(THIRTY_MB)}`;
    await expectTooLarge(await tokenRequest(form));
    // Streamed without a Content-Length: counted while it arrives.
    const chunk = new TextEncoder().encode("a".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= THIRTY_MB) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    await expectTooLarge(await tokenRequest(stream));
    expect(sent).toBeLessThan(THIRTY_MB);
    expect(await sandbox("linkedin").counters()).toEqual(before);
  });

  it("compares the control token in constant time (over digests of equal length)", async () => {
    const compare = vi.spyOn(crypto.subtle, "timingSafeEqual");
    const wrong = `${ADMIN.slice(0, -1)}${ADMIN.endsWith("0") ? "1" : "0"}`;
    expect((await call("/sandbox/twitter/_control/state", { token: wrong })).status).toBe(401);
    expect((await call("/sandbox/twitter/_control/state", { token: "short" })).status).toBe(401);
    expect((await call("/sandbox/twitter/_control/state", { token: ADMIN })).status).toBe(200);
    const lengths = compare.mock.calls.map(([a, b]) => [
      (a as ArrayBufferView).byteLength,
      (b as ArrayBufferView).byteLength,
    ]);
    expect(lengths).toEqual([
      [32, 32],
      [32, 32],
      [32, 32],
    ]);
  });

  it("sends codes only to this origin's callback for the platform (its registered redirect URI)", async () => {
    const authorizeUrl = (redirectUri: string) =>
      `/sandbox/linkedin/oauth/v2/authorization?${new URLSearchParams({
        response_type: "code",
        client_id: "sandbox-client",
        redirect_uri: redirectUri,
        state: "s",
        login_hint: sandboxUser("rd"),
      })}`;
    const authorize = (redirectUri: string) => new TestBrowser().open(authorizeUrl(redirectUri));
    for (const elsewhere of [
      "https://evil.example/v1/oauth/linkedin/callback",
      `${ORIGIN}/v1/oauth/twitter/callback`,
      `${ORIGIN}/v1/oauth/linkedin/callback/../../elsewhere`,
      `${ORIGIN}/anything`,
    ]) {
      const res = await authorize(elsewhere);
      expect(res.status, elsewhere).toBe(400);
      expect(res.headers.get("Location")).toBeNull();
    }
    // The registered one: the sign-in page, then the code once the user approves.
    const approved = await approveAtSandbox(new TestBrowser(), authorizeUrl(`${ORIGIN}/v1/oauth/linkedin/callback`));
    expect(approved.status, await approved.clone().text()).toBe(302);
    expect(approved.headers.get("Location")).toMatch(/^https:\/\/api\.test\/v1\/oauth\/linkedin\/callback\?code=/);
  });
});
