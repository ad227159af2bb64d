// Meta's Graph API (Facebook Pages and Instagram): its error codes and usage headers.
import type { PlatformConfig } from "./config";
import { PlatformError } from "./errors";
import { failure, type PlatformResponse, send } from "./http";
import type { QuotaReport } from "./types";

/** The Graph API version the adapters speak. */
export const GRAPH_VERSION = "v24.0";

/** A Graph API URL for `path` with query `params`, at the configured API base. */
export function graphUrl(config: PlatformConfig, path: string, params: Record<string, string> = {}): URL {
  // The root ("") takes a multiple-id read: /v24.0?ids=a,b
  const url = new URL(`${config.endpoints.apiBase}/${GRAPH_VERSION}${path ? `/${path}` : ""}`);
  url.search = new URLSearchParams(params).toString();
  return url;
}

/**
 * Codes meaning "too many calls" (Graph API "Handling Errors" and "Rate Limiting"): 4
 * application, 17 user, 32 Page, 613 custom, 341 application limit reached, and the
 * business use case limits 80000 to 80014 (80001 Pages, 80002 Instagram).
 */
const RATE_CODES = new Set([4, 17, 32, 341, 613]);
function isRateCode(code: number): boolean {
  return RATE_CODES.has(code) || (code >= 80000 && code <= 80014);
}
/**
 * Codes whose documented recovery is "wait and retry": 1 API Unknown, 2 API Service
 * ("Handling Errors"), and Instagram's -1 and -2 ("Instagram Platform, Error Codes":
 * server error, upload or download timeout; try again, with a new container where it says so).
 */
const TRANSIENT_CODES = new Set([1, 2, -1, -2]);
/** Code 190 (102 likewise): the access token is invalid or expired; its subcode says why. */
const AUTH_CODES = new Set([102, 190]);

/**
 * What a token refusal (code 190 or 102) means for the grant behind it, by subcode
 * (Graph API "Handling Errors", "Authentication Error Subcodes"):
 * - "revoked": the person must sign in to the app again. 458 app not installed, 460
 *   password changed, 467 invalid access token (logged out), and no subcode at all
 *   ("expired, been revoked, or is otherwise invalid").
 * - "expired": 463, the token's time is up. A Page or Instagram token is then renewed
 *   (refresh); if the refresh credential itself is what expired, nothing can renew it.
 * - "blocked": 459 checkpointed, 464 unconfirmed user. The person must fix something at
 *   facebook.com; the grant itself stands, so it is never read as revoked.
 * Every other subcode is read as "revoked": Meta documents no other way back.
 */
export type TokenRefusal = "revoked" | "expired" | "blocked";
export function tokenRefusal(subcode: string | undefined): TokenRefusal {
  if (subcode === "463") return "expired";
  if (subcode === "459" || subcode === "464") return "blocked";
  return "revoked";
}

interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  is_transient?: boolean;
}

/**
 * A Graph error answer as the PlatformError it means. In order: a rate limit (its
 * reset from the usage headers' estimated_time_to_regain_access, on the config's
 * clock); a transient failure (is_transient: true, codes 1, 2, -1, -2), retryable and
 * never a token's fault; a token refusal (190, 102: "auth", with its subcode for
 * tokenRefusal); then by HTTP status. Nothing here reads an answer as revoked: only a
 * refresh can learn that (facebook.ts, instagram.ts refresh).
 */
export function graphFailure(config: PlatformConfig, response: PlatformResponse): PlatformError {
  const error = ((response.body as { error?: GraphError } | null)?.error ?? {}) as GraphError;
  const message = `${config.platform} answered ${response.status}: ${error.message ?? "no detail"}`;
  const details = {
    status: response.status,
    code: error.code === undefined ? undefined : String(error.code),
    subcode: error.error_subcode === undefined ? undefined : String(error.error_subcode),
  };
  // Code 4 subcode 2207051 is Instagram's spam restriction ("We restrict certain
  // activity"), a refusal of the post, not a rate limit.
  if (error.code === 4 && error.error_subcode === 2207051) return new PlatformError("rejected", message, details);
  // Code 9 subcode 2207042: Instagram's publishing limit is reached.
  if ((error.code !== undefined && (isRateCode(error.code) || error.code === 9)) || response.status === 429) {
    const usage = graphUsage(response.headers, config.clock());
    return new PlatformError("rate_limited", message, {
      ...details,
      resetAtMs: usage?.throttled ? usage.resetAtMs : undefined,
    });
  }
  if (error.is_transient === true || (error.code !== undefined && TRANSIENT_CODES.has(error.code))) {
    return new PlatformError("unavailable", message, details);
  }
  if (error.code !== undefined && AUTH_CODES.has(error.code)) return new PlatformError("auth", message, details);
  // The rest by status, keeping Graph's code (an adapter may know what one means: instagram.ts).
  const failed = failure(config, response);
  return new PlatformError(failed.kind, failed.message, { ...failed.details, ...details, status: response.status });
}

/**
 * A refresh's refusal: a token refusal that leaves no way back (tokenRefusal "revoked",
 * or "expired" when what expired is the refresh credential itself) is invalid_grant,
 * which marks the account revoked (objects/publishing/account-tokens.ts). A checkpoint
 * ("blocked"), a rate limit, a timeout, a 5xx or a transient error never is.
 */
export function refreshFailure(error: unknown): unknown {
  if (!(error instanceof PlatformError) || error.kind !== "auth") return error;
  if (tokenRefusal(error.details.subcode) === "blocked") return error;
  return new PlatformError("invalid_grant", error.message, error.details);
}

/**
 * DELETE /me/permissions with the person's token: the app's grant (every permission) is
 * revoked, and every token it issued stops working (Graph API reference, "User
 * permissions": "Apps can let people revoke permissions that were previously
 * granted"; deleting the edge itself revokes them all). Answered { success: true }.
 */
export async function deleteGrant(config: PlatformConfig, token: string): Promise<void> {
  const response = await send(
    config,
    new Request(graphUrl(config, "me/permissions", { access_token: token }), { method: "DELETE" }),
  );
  if (response.status !== 200) throw graphFailure(config, response);
}

interface UsageEntry {
  call_count?: number;
  total_cputime?: number;
  total_time?: number;
  estimated_time_to_regain_access?: number;
}

/** The usage Meta reported, as a quota; `throttled` when calls are refused until `resetAtMs`. */
export type GraphUsage = QuotaReport & { throttled: boolean };

function parsed(value: string | null): unknown {
  if (!value) return null;
  try {
    return JSON.parse(value);
  } catch {
    // A header we cannot read tells us nothing.
    return null;
  }
}

/**
 * The tightest usage Meta reports (Graph API "Rate Limiting"): x-app-usage and
 * x-page-usage (platform rate limits), and x-business-use-case-usage, which Page
 * tokens and the Instagram Platform are counted by: { "<business id>": [{ type,
 * call_count, total_cputime, total_time, estimated_time_to_regain_access }] }. The
 * figures are percentages of a rolling one-hour allowance; once throttled,
 * estimated_time_to_regain_access says in how many minutes calls are taken again.
 * `nowMs` is the caller's clock (the config's). Throttled: any entry at 100% or with
 * time to regain, and access returns at the latest of them (an hour when none says).
 */
export function graphUsage(headers: Headers, nowMs: number): GraphUsage | null {
  const entries: { usage: UsageEntry; source: string }[] = [];
  for (const name of ["x-app-usage", "x-page-usage"]) {
    const usage = parsed(headers.get(name));
    if (usage && typeof usage === "object") entries.push({ usage: usage as UsageEntry, source: name });
  }
  const business = parsed(headers.get("x-business-use-case-usage"));
  if (business && typeof business === "object") {
    for (const list of Object.values(business as Record<string, unknown>)) {
      if (!Array.isArray(list)) continue;
      for (const usage of list) {
        if (usage && typeof usage === "object") {
          entries.push({ usage: usage as UsageEntry, source: "x-business-use-case-usage" });
        }
      }
    }
  }
  if (entries.length === 0) return null;
  let worst: GraphUsage | null = null;
  let regainAtMs: number | null = null;
  for (const { usage, source } of entries) {
    const percent = Math.max(
      Number(usage.call_count) || 0,
      Number(usage.total_cputime) || 0,
      Number(usage.total_time) || 0,
    );
    const regainMinutes = Math.max(0, Number(usage.estimated_time_to_regain_access) || 0);
    const throttled = percent >= 100 || regainMinutes > 0;
    if (throttled) {
      const at = nowMs + (regainMinutes > 0 ? regainMinutes * 60_000 : 3_600_000);
      regainAtMs = Math.max(regainAtMs ?? at, at);
    }
    const fraction = throttled ? 1 : Math.min(1, percent / 100);
    if (!worst || fraction > (worst.usedFraction ?? 0)) {
      worst = { remaining: null, usedFraction: fraction, resetAtMs: nowMs + 3_600_000, limit: null, source, throttled };
    }
  }
  if (!worst) return null;
  return regainAtMs === null
    ? worst
    : { ...worst, remaining: 0, usedFraction: 1, resetAtMs: regainAtMs, throttled: true };
}

/** A metric's lifetime value from an insights edge ({ data: [{ name, values: [{ value }] }] }); 0 when absent. */
export function graphMetric(insights: unknown, name: string): number {
  const data = (insights as { data?: { name: string; values: { value: number }[] }[] } | undefined)?.data ?? [];
  return data.find((entry) => entry.name === name)?.values[0]?.value ?? 0;
}
