// What the contract tests share. A documented exchange (a request and its answer, as a
// platform's official page shows them) is checked from both sides: the adapter, given
// a transport that records its requests and answers with the documented response,
// must send the documented request and read the documented answer; the sandbox,
// sent the documented request, must answer in the documented shape. So the adapters
// and the sandbox cannot drift together.

import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { systemClock } from "../../src/core/clock";
import { platformAdapter } from "../../src/core/platforms";
import type { PlatformConfig } from "../../src/core/platforms/config";
import { linkedInVersionFor } from "../../src/core/platforms/linkedin-version";
import { codeChallenge, generateCodeVerifier } from "../../src/core/platforms/pkce";
import type { Platform } from "../../src/core/platforms/types";
import { sandbox, sandboxUser } from "../support/accounts";
import { ORIGIN } from "../support/http";
import { approveAtSandbox, objectOpener } from "../support/sandbox-sign-in";

/** The live hosts the adapters speak to (src/core/platforms/config.ts). */
const LIVE_API: Record<Platform, string> = {
  linkedin: "https://api.linkedin.com",
  twitter: "https://api.x.com",
  facebook: "https://graph.facebook.com",
  instagram: "https://graph.instagram.com",
};

/** A live-mode configuration whose transport records each request and answers with `answer`. */
export function recordingConfig(
  platform: Platform,
  answer: (request: Request, index: number) => Response | Promise<Response>,
): { config: PlatformConfig; requests: Request[] } {
  const requests: Request[] = [];
  const config: PlatformConfig = {
    platform,
    mode: "live",
    clientId: "app-id",
    clientSecret: "app-secret",
    endpoints: { authBase: LIVE_API[platform], tokenBase: LIVE_API[platform], apiBase: LIVE_API[platform] },
    timeoutMs: 4000,
    apiVersion: platform === "linkedin" ? linkedInVersionFor(Date.now()) : null,
    transport: async (request) => {
      requests.push(request.clone());
      return answer(request, requests.length - 1);
    },
    fetchMedia: async () => new Uint8Array([0xff, 0xd8, 0xff]).buffer as ArrayBuffer,
    clock: systemClock,
  };
  return { config, requests };
}

/**
 * Asserts `actual` has the documented shape: every documented key, with a value of
 * the same type (a RegExp documents a string's form); arrays as their first element.
 */
export function expectShape(actual: unknown, documented: unknown, path = "$"): void {
  if (documented instanceof RegExp) {
    expect(typeof actual, path).toBe("string");
    expect(actual as string, path).toMatch(documented);
    return;
  }
  if (Array.isArray(documented)) {
    expect(Array.isArray(actual), `${path} is an array`).toBe(true);
    if (documented.length > 0) {
      expect((actual as unknown[]).length, `${path} has an element`).toBeGreaterThan(0);
      expectShape((actual as unknown[])[0], documented[0], `${path}[0]`);
    }
    return;
  }
  if (documented !== null && typeof documented === "object") {
    expect(actual !== null && typeof actual === "object", `${path} is an object`).toBe(true);
    for (const [key, value] of Object.entries(documented)) {
      expect(actual as object, `${path} has ${key}`).toHaveProperty([key]);
      expectShape((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
    }
    return;
  }
  expect(typeof actual, path).toBe(typeof documented);
}

/** A sandbox call, as the adapters reach it in development mode. */
export function sandboxFetch(platform: Platform, path: string, init: RequestInit = {}): Promise<Response> {
  return sandbox(platform).fetch(new Request(`${ORIGIN}/sandbox/${platform}${path}`, init));
}

/**
 * A sandbox user's tokens, granted `scopes` (the adapter's own when omitted): the
 * sandbox's authorize page, then the adapter's code exchange.
 */
export async function sandboxGrant(platform: Platform, scopes?: string[]) {
  const adapter = platformAdapter(env, platform, ORIGIN);
  const redirectUri = `${ORIGIN}/v1/oauth/${platform}/callback`;
  const verifier = generateCodeVerifier();
  const url = new URL(
    adapter.authorizeUrl({
      state: "contract",
      redirectUri,
      codeChallenge: adapter.usesPkce ? await codeChallenge(verifier) : null,
    }),
  );
  const user = sandboxUser(platform.slice(0, 2));
  url.searchParams.set("login_hint", user);
  if (scopes)
    url.searchParams.set("scope", scopes.join(platform === "facebook" || platform === "instagram" ? "," : " "));
  // The sandbox's sign-in page, the user signing in and approving.
  const approved = await approveAtSandbox(objectOpener(sandbox(platform)), url);
  const code = new URL(approved.headers.get("Location") ?? "https://none.invalid").searchParams.get("code");
  if (!code) throw new Error(`the sandbox did not approve: ${approved.status} ${await approved.text()}`);
  const [identity] = await adapter.connect(code, redirectUri, verifier);
  if (!identity) throw new Error("no identity");
  return { user, platformUserId: identity.platformUserId, tokens: identity.tokens };
}
