// Which platforms this deployment can reach, and how. Fail closed (ARCHITECTURE.md,
// Fail closed): the sandbox platforms answer only in development mode, which needs
// BOTH the switch (PLATFORM_MODE = "sandbox", set by wrangler.toml's [env.dev]) and
// the SandboxPlatform binding (declared only in [env.dev]). Every other value of the
// switch, including none, is live: a platform without app credentials is then "not
// configured", an error at connect and publish, never a fallback to the sandbox.
import type { Platform } from "./types";

export type PlatformReach =
  | { kind: "sandbox" }
  | { kind: "live"; clientId: string; clientSecret: string }
  | { kind: "not_configured"; missing: string[] };

/** Names of the secrets that configure each platform's app, and the prefix of its endpoint overrides. */
export const PLATFORM_VARIABLES: Record<Platform, { id: string; secret: string; prefix: string }> = {
  linkedin: { id: "LINKEDIN_CLIENT_ID", secret: "LINKEDIN_CLIENT_SECRET", prefix: "LINKEDIN" },
  twitter: { id: "X_CLIENT_ID", secret: "X_CLIENT_SECRET", prefix: "X" },
  facebook: { id: "FACEBOOK_APP_ID", secret: "FACEBOOK_APP_SECRET", prefix: "FACEBOOK" },
  instagram: { id: "INSTAGRAM_APP_ID", secret: "INSTAGRAM_APP_SECRET", prefix: "INSTAGRAM" },
};

/** A string variable of the environment; unset and empty are the same (absent). */
export function envVariable(env: Env, name: string): string | undefined {
  const value = (env as unknown as Record<string, unknown>)[name];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** True only in development mode: the switch is on and the sandbox is bound. */
export function sandboxEnabled(env: Env): boolean {
  return env.PLATFORM_MODE === "sandbox" && env.SandboxPlatform !== undefined;
}

/** How `platform` is reached here. */
export function platformReach(env: Env, platform: Platform): PlatformReach {
  if (sandboxEnabled(env)) return { kind: "sandbox" };
  const names = PLATFORM_VARIABLES[platform];
  const clientId = envVariable(env, names.id);
  const clientSecret = envVariable(env, names.secret);
  if (clientId && clientSecret) return { kind: "live", clientId, clientSecret };
  return { kind: "not_configured", missing: [names.id, names.secret].filter((name) => !envVariable(env, name)) };
}

/** What a client is told when `platform` is not configured (no secret names leak: they are in docs/deploying.md). */
export function notConfiguredMessage(platform: Platform): string {
  return `${platform} is not configured in this deployment (its app credentials are not set); nothing was sent`;
}
