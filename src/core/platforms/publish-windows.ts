// Each platform's publishing window (the approved schema's limits by default), and how far a tenant's
// settings.rate_limits may move it. Every tenant publishes through this deployment's
// one application on each live platform, so the platform's window is what the
// application may spend for any one account: a tenant may only lower it, never raise
// it (docs/publishing.md, "Exact windows"). The sandbox platforms of development mode
// share no application with anyone, and there the tests and benchmarks publish
// thousands of posts to one account, so their windows may be raised.
import { platformReach } from "./mode";
import type { Platform } from "./types";

export interface WindowSpec {
  /** Stable name, reported in 429s and GET /v1/rate-limits. */
  name: string;
  limit: number;
  windowMs: number;
  unit: "posts" | "calls";
}

/** A tenant's override of a platform's window (settings.rate_limits.<platform>). */
export interface WindowOverride {
  limit?: number;
  window_seconds?: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The approved schema's limits: each platform's own window. */
export const DEFAULT_WINDOWS: Record<Platform, WindowSpec> = {
  linkedin: { name: "linkedin_posts_per_day", limit: 100, windowMs: DAY, unit: "posts" },
  twitter: { name: "x_posts_per_day", limit: 50, windowMs: DAY, unit: "posts" },
  facebook: { name: "facebook_calls_per_hour", limit: 200, windowMs: HOUR, unit: "calls" },
  instagram: { name: "instagram_posts_per_24h", limit: 25, windowMs: DAY, unit: "posts" },
};

/** True when `platform`'s window caps a tenant's: any platform this deployment does not reach through the sandbox. */
export function windowsCapped(env: Env, platform: Platform): boolean {
  return platformReach(env, platform).kind !== "sandbox";
}

/**
 * The largest limit a window of `windowMs` may have on `platform`. A sliding window of
 * L per W admits at most L × ⌈W0 / W⌉ in any span of the platform's W0, which must not
 * pass the platform's L0; a window at least as long as the platform's may hold L0.
 */
export function ceilingFor(platform: Platform, windowMs: number): number {
  const { limit, windowMs: platformMs } = DEFAULT_WINDOWS[platform];
  return windowMs >= platformMs ? limit : Math.floor(limit / Math.ceil(platformMs / windowMs));
}

/** Why `override` would let `platform` admit more than its own window, naming the field; null when it does not. */
export function raisedWindow(
  platform: Platform,
  override: WindowOverride,
): { field: "limit" | "window_seconds"; message: string } | null {
  const base = DEFAULT_WINDOWS[platform];
  const windowMs = override.window_seconds ? override.window_seconds * 1000 : base.windowMs;
  const ceiling = ceilingFor(platform, windowMs);
  const own = `${platform}'s own window is ${base.limit} ${base.unit} per ${base.windowMs / 1000} seconds`;
  if (ceiling < 1) {
    const shortest = Math.ceil(base.windowMs / 1000 / base.limit);
    return { field: "window_seconds", message: `at least ${shortest} seconds: ${own}, and a tenant may only lower it` };
  }
  const limit = override.limit ?? base.limit;
  if (limit <= ceiling) return null;
  return {
    field: override.limit === undefined ? "window_seconds" : "limit",
    message: `at most ${ceiling} ${base.unit} per ${windowMs / 1000} seconds: ${own}, and a tenant may only lower it`,
  };
}

/**
 * The window the object enforces: the platform's with the tenant's override, and never
 * more than the platform's when it is capped (a row written before the check, or by
 * hand, cannot raise it). A window too short for even one unit falls back to the
 * platform's own length.
 */
export function windowFor(platform: Platform, override?: WindowOverride, capped = false): WindowSpec {
  const base = DEFAULT_WINDOWS[platform];
  const windowMs = override?.window_seconds ? override.window_seconds * 1000 : base.windowMs;
  const limit = override?.limit ?? base.limit;
  if (!capped) return { ...base, limit, windowMs };
  const ceiling = ceilingFor(platform, windowMs);
  if (ceiling < 1) return { ...base, limit: Math.min(limit, base.limit) };
  return { ...base, limit: Math.min(limit, ceiling), windowMs };
}
