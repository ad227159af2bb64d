// X's rate-limit headers, read together (docs.x.com, "Rate limits"), for every call the
// adapter makes: the post, the media upload, the token endpoint.
import type { QuotaReport } from "./types";

/**
 * The window X holds the caller to, from its rate-limit headers (docs.x.com, "Rate
 * limits": x-rate-limit-* for the endpoint's 15-minute window, x-user-limit-24hour-*
 * for the user's day, x-app-limit-24hour-* for the app's day across every user): when
 * a window is exhausted, the latest reset among the exhausted ones (until then nothing
 * goes through); otherwise the tightest window.
 */
export function xQuota(headers: Headers): QuotaReport | null {
  const reports: QuotaReport[] = [];
  for (const prefix of ["x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour"]) {
    const remaining = headers.get(`${prefix}-remaining`);
    const reset = headers.get(`${prefix}-reset`);
    if (remaining === null || reset === null) continue;
    const limit = headers.get(`${prefix}-limit`);
    reports.push({
      remaining: Number(remaining),
      resetAtMs: Number(reset) * 1000,
      limit: limit === null ? null : Number(limit),
      source: prefix,
    });
  }
  const known = reports.filter((r) => Number.isFinite(r.remaining) && Number.isFinite(r.resetAtMs));
  const exhausted = known.filter((r) => r.remaining === 0).sort((a, b) => b.resetAtMs - a.resetAtMs);
  if (exhausted[0]) return exhausted[0];
  return known.sort((a, b) => (a.remaining ?? Infinity) - (b.remaining ?? Infinity))[0] ?? null;
}
