// Where each platform is and how to reach it. A platform is "live" only when
// PLATFORM_MODE is "live" and its app credentials are configured; otherwise it is
// the local sandbox (src/sandbox), reached through the SandboxPlatform Durable
// Object with the same paths and shapes as the real API.
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
  mode: "live" | "sandbox";
  clientId: string;
  clientSecret: string;
  endpoints: PlatformEndpoints;
  timeoutMs: number;
  transport: Transport;
  /** The bytes of media to upload (the sandbox stores the URL instead of downloading it). */
  fetchMedia: (url: string) => Promise<ArrayBuffer | null>;
}

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

/** Names of the variables that configure each platform. */
const VARIABLES: Record<Platform, { id: string; secret: string; prefix: string }> = {
  linkedin: { id: "LINKEDIN_CLIENT_ID", secret: "LINKEDIN_CLIENT_SECRET", prefix: "LINKEDIN" },
  twitter: { id: "X_CLIENT_ID", secret: "X_CLIENT_SECRET", prefix: "X" },
  facebook: { id: "FACEBOOK_APP_ID", secret: "FACEBOOK_APP_SECRET", prefix: "FACEBOOK" },
  instagram: { id: "INSTAGRAM_APP_ID", secret: "INSTAGRAM_APP_SECRET", prefix: "INSTAGRAM" },
};

export const DEFAULT_TIMEOUT_MS = 10_000;
export const SANDBOX_CLIENT_ID = "sandbox-client";
export const SANDBOX_CLIENT_SECRET = "sandbox-secret";
/** Origin used for sandbox calls that no browser follows (alarms, server-to-server). */
export const DEFAULT_SANDBOX_ORIGIN = "http://localhost:8787";

function variable(env: Env, name: string): string | undefined {
  const value = (env as unknown as Record<string, unknown>)[name];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

export function sandboxPath(platform: Platform): string {
  return `/sandbox/${platform}`;
}

/** The configuration of `platform`. `origin` is the public origin, for sandbox URLs a browser opens. */
export function platformConfig(env: Env, platform: Platform, origin?: string): PlatformConfig {
  const names = VARIABLES[platform];
  const clientId = variable(env, names.id);
  const clientSecret = variable(env, names.secret);
  const timeoutMs = Number(variable(env, "PLATFORM_TIMEOUT_MS") ?? DEFAULT_TIMEOUT_MS);
  if (env.PLATFORM_MODE === "live" && clientId && clientSecret) {
    const live = LIVE[platform];
    return {
      platform,
      mode: "live",
      clientId,
      clientSecret,
      endpoints: {
        authBase: variable(env, `${names.prefix}_AUTH_BASE`) ?? live.authBase,
        tokenBase: variable(env, `${names.prefix}_TOKEN_BASE`) ?? live.tokenBase,
        apiBase: variable(env, `${names.prefix}_API_BASE`) ?? live.apiBase,
      },
      timeoutMs,
      transport: (request) => fetch(request),
      fetchMedia: async (url) => {
        const response = await fetch(url).catch(() => null);
        return response?.ok ? response.arrayBuffer() : null;
      },
    };
  }
  const base = `${origin ?? variable(env, "PUBLIC_ORIGIN") ?? DEFAULT_SANDBOX_ORIGIN}${sandboxPath(platform)}`;
  const sandbox = env.SandboxPlatform.getByName(platform);
  return {
    platform,
    mode: "sandbox",
    clientId: SANDBOX_CLIENT_ID,
    clientSecret: SANDBOX_CLIENT_SECRET,
    endpoints: { authBase: base, tokenBase: base, apiBase: base },
    timeoutMs,
    transport: (request) => sandbox.fetch(request),
    fetchMedia: async (url) => new TextEncoder().encode(url).buffer as ArrayBuffer,
  };
}
