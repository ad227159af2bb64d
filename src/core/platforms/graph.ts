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

/** Codes meaning "too many calls" (application, user, page, and custom-level limits). */
const RATE_CODES = new Set([4, 17, 32, 613, 80001, 80002]);
/** Code 190: the access token is invalid or expired. */
const AUTH_CODES = new Set([102, 190]);

interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
}

export function graphFailure(config: PlatformConfig, response: PlatformResponse): PlatformError {
  const error = ((response.body as { error?: GraphError } | null)?.error ?? {}) as GraphError;
  const message = `${config.platform} answered ${response.status}: ${error.message ?? "no detail"}`;
  const details = { status: response.status, code: error.code === undefined ? undefined : String(error.code) };
  if (error.code !== undefined && RATE_CODES.has(error.code))
    return new PlatformError("rate_limited", message, details);
  // Code 9 subcode 2207042: Instagram's publishing limit is reached.
  if (error.code === 9) return new PlatformError("rate_limited", message, details);
  if (error.code !== undefined && AUTH_CODES.has(error.code)) return new PlatformError("auth", message, details);
  // The rest by status, keeping Graph's code (an adapter may know what one means: instagram.ts).
  const failed = failure(config, response);
  return new PlatformError(failed.kind, failed.message, { ...failed.details, code: details.code });
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

/**
 * The tightest usage Meta reports in x-app-usage, x-page-usage or
 * x-business-use-case-usage: percentages of a rolling one-hour allowance, and
 * minutes until access returns once throttled.
 */
export function graphUsage(headers: Headers, nowMs = Date.now()): QuotaReport | null {
  const entries: { usage: UsageEntry; source: string }[] = [];
  for (const name of ["x-app-usage", "x-page-usage"]) {
    const value = headers.get(name);
    if (value) {
      try {
        entries.push({ usage: JSON.parse(value) as UsageEntry, source: name });
      } catch {
        // A header we cannot read tells us nothing.
      }
    }
  }
  const business = headers.get("x-business-use-case-usage");
  if (business) {
    try {
      for (const list of Object.values(JSON.parse(business) as Record<string, UsageEntry[]>)) {
        for (const usage of list) entries.push({ usage, source: "x-business-use-case-usage" });
      }
    } catch {
      // Ignored, as above.
    }
  }
  let worst: QuotaReport | null = null;
  for (const { usage, source } of entries) {
    const percent = Math.max(usage.call_count ?? 0, usage.total_cputime ?? 0, usage.total_time ?? 0);
    const regainMinutes = usage.estimated_time_to_regain_access ?? 0;
    const report: QuotaReport = {
      remaining: percent >= 100 ? 0 : null,
      usedFraction: Math.min(1, percent / 100),
      resetAtMs: nowMs + (regainMinutes > 0 ? regainMinutes * 60_000 : 3_600_000),
      limit: null,
      source,
    };
    if (!worst || (report.usedFraction ?? 0) > (worst.usedFraction ?? 0)) worst = report;
  }
  return worst;
}

/** A metric's lifetime value from an insights edge ({ data: [{ name, values: [{ value }] }] }); 0 when absent. */
export function graphMetric(insights: unknown, name: string): number {
  const data = (insights as { data?: { name: string; values: { value: number }[] }[] } | undefined)?.data ?? [];
  return data.find((entry) => entry.name === name)?.values[0]?.value ?? 0;
}
