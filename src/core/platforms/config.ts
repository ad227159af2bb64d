// Where each platform is and how to reach it (src/core/platforms/mode.ts decides which):
// the real API with the app's credentials; the local sandbox (src/core/sandbox), reached
// through the SandboxPlatform Durable Object with the same paths and shapes, only in
// development mode; or, for a live platform without credentials, nowhere: every call
// then fails with PlatformError "not_configured" before anything is sent.
import { type Clock, systemClock } from "../clock";
import { servedBytes } from "../sandbox/media-host";
import { PlatformError } from "./errors";
import { DEFAULT_LINKEDIN_VERSION, linkedInVersionFor } from "./linkedin-version";
import { fetchMediaBounded, type MediaField, type MediaPolicy } from "./media";
import { envVariable, notConfiguredMessage, PLATFORM_VARIABLES, platformReach } from "./mode";
import { DEFAULT_PROCESSING_WAIT_MS } from "./processing-wait";
import type { Platform } from "./types";

export interface PlatformEndpoints {
  /** Where users authorize the app (browser). */
  authBase: string;
  /** Where codes and refresh tokens are exchanged. */
  tokenBase: string;
  /** The API itself. */
  apiBase: string;
}

export type Transport = (request: Request) => Promise<Response>;

export interface PlatformConfig {
  platform: Platform;
  mode: "live" | "sandbox" | "not_configured";
  clientId: string;
  clientSecret: string;
  endpoints: PlatformEndpoints;
  timeoutMs: number;
  /** The API version a versioned platform is asked for (LinkedIn-Version); null for the others. */
  apiVersion: string | null;
  transport: Transport;
  /** The clock token lifetimes and quota resets are reckoned on (the caller's: src/core/clock.ts). */
  clock: Clock;
  /**
   * The bytes of media to upload or check, within `policy` (in development mode, what
   * the sandbox's media host serves, unchecked). Refusals are PlatformError "media"
   * naming `field`.
   */
  fetchMedia: (url: string, field: MediaField, policy: MediaPolicy) => Promise<ArrayBuffer>;
  /**
   * How long one request may wait for media the platform is still processing
   * (processing-wait.ts; PLATFORM_PROCESSING_WAIT_MS); absent: it does not wait.
   */
  processingWaitMs?: number;
  /** Waits `ms` between two such checks (tests give one that moves their clock instead). */
  pause?: (ms: number) => Promise<void>;
  /**
   * LinkedIn: whether the app has LinkedIn's approval for member post statistics
   * (LINKEDIN_POST_ANALYTICS = "on"): only then is r_member_postAnalytics asked for and
   * read (linkedin.ts). Absent: it has not.
   */
  linkedInPostAnalytics?: boolean;
}

/** LINKEDIN_POST_ANALYTICS: "on" alone turns member post statistics on (anything else is off). */
export function linkedInPostAnalyticsOn(env: Env): boolean {
  return envVariable(env, "LINKEDIN_POST_ANALYTICS") === "on";
}

/** PLATFORM_PROCESSING_WAIT_MS, or the default (processing-wait.ts). */
function processingWaitMs(env: Env): number {
  const value = Number(envVariable(env, "PLATFORM_PROCESSING_WAIT_MS") ?? DEFAULT_PROCESSING_WAIT_MS);
  return Number.isFinite(value) && value >= 0 ? value : DEFAULT_PROCESSING_WAIT_MS;
}

const realPause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const LIVE: Record<Platform, PlatformEndpoints> = {
  linkedin: {
    authBase: "https://www.linkedin.com",
    tokenBase: "https://www.linkedin.com",
    apiBase: "https://api.linkedin.com",
  },
  twitter: { authBase: "https://x.com", tokenBase: "https://api.x.com", apiBase: "https://api.x.com" },
  facebook: {
    authBase: "https://www.facebook.com",
    tokenBase: "https://graph.facebook.com",
    apiBase: "https://graph.facebook.com",
  },
  instagram: {
    authBase: "https://www.instagram.com",
    tokenBase: "https://api.instagram.com",
    apiBase: "https://graph.instagram.com",
  },
};

export const DEFAULT_TIMEOUT_MS = 10_000;
export const SANDBOX_CLIENT_ID = "sandbox-client";
export const SANDBOX_CLIENT_SECRET = "sandbox-secret";
/** Origin used for sandbox calls that no browser follows (alarms, server-to-server). */
export const DEFAULT_SANDBOX_ORIGIN = "http://localhost:8787";

export function sandboxPath(platform: Platform): string {
  return `/sandbox/${platform}`;
}

/** The configuration of `platform`. `origin` is the public origin, for sandbox URLs a browser opens. */
export function platformConfig(
  env: Env,
  platform: Platform,
  origin?: string,
  clock: Clock = systemClock,
): PlatformConfig {
  const timeoutMs = Number(envVariable(env, "PLATFORM_TIMEOUT_MS") ?? DEFAULT_TIMEOUT_MS);
  const reach = platformReach(env, platform);
  // Live: the pinned version (LINKEDIN_VERSION). The sandbox: the current one unless pinned.
  const unpinned = reach.kind === "sandbox" ? linkedInVersionFor(clock()) : DEFAULT_LINKEDIN_VERSION;
  const apiVersion = platform === "linkedin" ? (envVariable(env, "LINKEDIN_VERSION") ?? unpinned) : null;
  if (reach.kind === "live") {
    const prefix = PLATFORM_VARIABLES[platform].prefix;
    const live = LIVE[platform];
    return {
      platform,
      mode: "live",
      clientId: reach.clientId,
      clientSecret: reach.clientSecret,
      endpoints: {
        authBase: envVariable(env, `${prefix}_AUTH_BASE`) ?? live.authBase,
        tokenBase: envVariable(env, `${prefix}_TOKEN_BASE`) ?? live.tokenBase,
        apiBase: envVariable(env, `${prefix}_API_BASE`) ?? live.apiBase,
      },
      timeoutMs,
      apiVersion,
      transport: (request) => fetch(request),
      clock,
      fetchMedia: (url, field, policy) => fetchMediaBounded(url, field, policy, timeoutMs),
      processingWaitMs: processingWaitMs(env),
      pause: realPause,
      linkedInPostAnalytics: linkedInPostAnalyticsOn(env),
    };
  }
  if (reach.kind === "sandbox" && env.SandboxPlatform) {
    const base = `${origin ?? envVariable(env, "PUBLIC_ORIGIN") ?? DEFAULT_SANDBOX_ORIGIN}${sandboxPath(platform)}`;
    const sandbox = env.SandboxPlatform.getByName(platform);
    return {
      platform,
      mode: "sandbox",
      clientId: SANDBOX_CLIENT_ID,
      clientSecret: SANDBOX_CLIENT_SECRET,
      endpoints: { authBase: base, tokenBase: base, apiBase: base },
      timeoutMs,
      apiVersion,
      transport: (request) => sandbox.fetch(request),
      clock,
      // The sandbox's media host (src/core/sandbox/media-host.ts): the bytes a URL serves there.
      fetchMedia: async (url) => servedBytes(url).buffer as ArrayBuffer,
      processingWaitMs: processingWaitMs(env),
      pause: realPause,
      linkedInPostAnalytics: linkedInPostAnalyticsOn(env),
    };
  }
  // Fail closed: whatever asks, nothing leaves this Worker for a platform it cannot reach.
  const refuse = async (): Promise<never> => {
    throw new PlatformError("not_configured", notConfiguredMessage(platform));
  };
  const nowhere = "https://platform-not-configured.invalid";
  return {
    platform,
    mode: "not_configured",
    clientId: "",
    clientSecret: "",
    endpoints: { authBase: nowhere, tokenBase: nowhere, apiBase: nowhere },
    timeoutMs,
    apiVersion,
    transport: refuse,
    clock,
    fetchMedia: refuse,
  };
}
