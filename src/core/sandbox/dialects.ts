// How each sandbox platform words its errors and quota headers, as the real APIs do.
import type { Platform } from "../platforms/types";

export type ErrorReason =
  | "unauthorized"
  | "expired"
  | "server"
  | "rate_limited"
  | "bad_request"
  | "forbidden"
  /** The token lacks a scope (permission) the endpoint needs. */
  | "permission";

const STATUS: Record<ErrorReason, number> = {
  unauthorized: 401,
  expired: 401,
  server: 500,
  rate_limited: 429,
  bad_request: 400,
  forbidden: 403,
  permission: 403,
};

/** Graph API codes for each reason (Facebook and Instagram answer 400 with a code). */
const GRAPH: Record<ErrorReason, { status: number; code: number; type: string; subcode?: number }> = {
  unauthorized: { status: 400, code: 190, type: "OAuthException" },
  expired: { status: 400, code: 190, type: "OAuthException", subcode: 463 },
  server: { status: 500, code: 1, type: "OAuthException" },
  rate_limited: { status: 400, code: 32, type: "OAuthException" },
  bad_request: { status: 400, code: 100, type: "OAuthException" },
  forbidden: { status: 403, code: 10, type: "OAuthException" },
  // Graph's permissions error: "(#200) ... permission(s) must be granted".
  permission: { status: 403, code: 200, type: "OAuthException" },
};

export function platformError(
  platform: Platform,
  reason: ErrorReason,
  message: string,
  headers: HeadersInit = {},
): Response {
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
  switch (platform) {
    case "linkedin":
      return json(STATUS[reason], {
        status: STATUS[reason],
        serviceErrorCode: reason === "expired" ? 65601 : 100,
        // LinkedIn's error body (learn.microsoft.com, LinkedIn API error handling):
        // a missing permission is 403 ACCESS_DENIED "Not enough permissions to access ...".
        code:
          reason === "expired"
            ? "EXPIRED_ACCESS_TOKEN"
            : reason === "permission"
              ? "ACCESS_DENIED"
              : reason.toUpperCase(),
        message,
      });
    case "twitter":
      return json(STATUS[reason], {
        title:
          reason === "rate_limited"
            ? "Too Many Requests"
            : reason === "server"
              ? "Internal Error"
              : reason === "permission" || reason === "forbidden"
                ? "Forbidden"
                : reason === "bad_request"
                  ? "Invalid Request"
                  : "Unauthorized",
        type: "about:blank",
        status: STATUS[reason],
        detail: message,
      });
    case "facebook":
    case "instagram": {
      const graph = GRAPH[reason];
      // A throttled business use case: 80001 for Pages, 80002 for Instagram.
      const code = reason === "rate_limited" ? (platform === "facebook" ? 80001 : 80002) : graph.code;
      return json(graph.status, {
        error: {
          message,
          type: graph.type,
          code,
          ...(graph.subcode ? { error_subcode: graph.subcode } : {}),
          fbtrace_id: crypto.randomUUID().slice(0, 11),
        },
      });
    }
  }
}

/** The headers a platform sends when it throttles: when the caller may come back. */
export function throttleHeaders(
  platform: Platform,
  resetSeconds: number,
  dailyResetSeconds?: number,
  appDailyResetSeconds?: number,
): Record<string, string> {
  const nowSeconds = Math.ceil(Date.now() / 1000);
  const resetAt = nowSeconds + resetSeconds;
  switch (platform) {
    case "twitter":
      // The 15-minute window, and with `dailyResetSeconds` the user's 24-hour window
      // exhausted too, with `appDailyResetSeconds` the app's (docs.x.com "Rate limits":
      // x-user-limit-24hour-*, x-app-limit-24hour-*).
      return {
        "x-rate-limit-limit": "300",
        "x-rate-limit-remaining": "0",
        "x-rate-limit-reset": String(resetAt),
        ...(dailyResetSeconds === undefined
          ? {}
          : {
              "x-user-limit-24hour-limit": "2400",
              "x-user-limit-24hour-remaining": "0",
              "x-user-limit-24hour-reset": String(nowSeconds + dailyResetSeconds),
            }),
        ...(appDailyResetSeconds === undefined
          ? {}
          : {
              "x-app-limit-24hour-limit": "10000",
              "x-app-limit-24hour-remaining": "0",
              "x-app-limit-24hour-reset": String(nowSeconds + appDailyResetSeconds),
            }),
      };
    case "facebook":
    case "instagram":
      // Page tokens and the Instagram Platform are counted by the business use case
      // limit (Graph API "Rate Limiting"): x-business-use-case-usage, minutes to regain.
      return {
        "x-business-use-case-usage": JSON.stringify({
          sandbox: [
            {
              type: platform === "facebook" ? "pages" : "instagram",
              call_count: 100,
              total_cputime: 10,
              total_time: 10,
              estimated_time_to_regain_access: Math.ceil(resetSeconds / 60),
            },
          ],
        }),
      };
    case "linkedin":
      // No Retry-After: LinkedIn's limits are daily and reset at midnight UTC
      // (learn.microsoft.com, "API Rate Limiting"), and its 429 says nothing more.
      return {};
  }
}

/** An OAuth token endpoint's refusal of a dead refresh credential, in each platform's words. */
export function deadGrant(platform: Platform): Response {
  switch (platform) {
    case "linkedin":
      return Response.json(
        { error: "invalid_grant", error_description: "The provided refresh token is invalid, expired or revoked" },
        { status: 400 },
      );
    case "twitter":
      // What X answers for a revoked or rotated-away refresh token (not invalid_grant).
      return Response.json(
        { error: "invalid_request", error_description: "Value passed for the token was invalid." },
        { status: 400 },
      );
    case "facebook":
    case "instagram":
      return platformError(platform, "unauthorized", "Error validating access token: the session has been invalidated");
  }
}
