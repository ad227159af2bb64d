// What the Facebook and Instagram sandboxes share of Graph's wire format, written here
// from Meta's documentation and not taken from the adapters (the sandbox stays
// independent, so an adapter's mistake shows in a test): the version served, the
// error object ("Handling Errors"), and the business use case usage header that Page
// tokens and the Instagram Platform are counted by ("Rate Limiting").
import type { Platform } from "../platforms/types";
import type { SandboxContext } from "./context";
import type { Endpoint } from "./store";

/** The Graph API version the sandboxes serve (another version's path is not found). */
export const SANDBOX_GRAPH_VERSION = "v24.0";

/** Graph's error object, answered with `status` (Graph answers most errors 400). */
export function graphError(
  status: number,
  error: { message: string; code: number; subcode?: number; isTransient?: boolean; type?: string },
  headers: HeadersInit = {},
): Response {
  return new Response(
    JSON.stringify({
      error: {
        message: error.message,
        type: error.type ?? "OAuthException",
        code: error.code,
        ...(error.subcode === undefined ? {} : { error_subcode: error.subcode }),
        ...(error.isTransient === undefined ? {} : { is_transient: error.isTransient }),
        fbtrace_id: crypto.randomUUID().replaceAll("-", "").slice(0, 11),
      },
    }),
    { status, headers: { "Content-Type": "application/json", ...headers } },
  );
}

/** The business use case a platform's calls count against (its type in the header). */
const USE_CASE: Partial<Record<Platform, string>> = { facebook: "pages", instagram: "instagram" };

/**
 * x-business-use-case-usage for one business object (a Page, an Instagram account):
 * percentages of its allowance, and once throttled, estimated_time_to_regain_access in
 * minutes.
 */
export function useCaseUsage(
  platform: Platform,
  objectId: string,
  percent: number,
  regainMinutes = 0,
): Record<string, string> {
  const usage = {
    type: USE_CASE[platform] ?? "pages",
    call_count: percent,
    total_cputime: Math.min(percent, 5),
    total_time: Math.min(percent, 5),
    estimated_time_to_regain_access: regainMinutes,
  };
  return { "x-business-use-case-usage": JSON.stringify({ [objectId]: [usage] }) };
}

/** Graph's answer to a throttled business use case: code 80001 (Pages) or 80002 (Instagram). */
export function useCaseThrottled(platform: Platform, objectId: string, regainMinutes: number): Response {
  const code = platform === "instagram" ? 80002 : 80001;
  const what = platform === "instagram" ? "Instagram account" : "Page";
  return graphError(
    400,
    { message: `(#${code}) There have been too many calls to this ${what}. Wait a bit and try again.`, code },
    useCaseUsage(platform, objectId, 100, regainMinutes),
  );
}

/**
 * The "graph_error" fault switch: the next call to `endpoint` (of `userId`) is answered
 * with the Graph error its params name (code, subcode, is_transient, status: 400 unless
 * given, message), so a test can drive each documented error answer through the
 * adapter. Null when no switch applies.
 */
export function graphErrorFault(ctx: SandboxContext, endpoint: Endpoint, userId: string | null): Response | null {
  const fault = ctx.store.takeFault(endpoint, userId, ["graph_error"]);
  if (!fault) return null;
  const { code, subcode, is_transient, status, message } = fault.params;
  return graphError(typeof status === "number" ? status : 400, {
    message: typeof message === "string" ? message : `(#${code}) An error the sandbox was asked for`,
    code: typeof code === "number" ? code : 1,
    subcode: typeof subcode === "number" ? subcode : undefined,
    isTransient: typeof is_transient === "boolean" ? is_transient : undefined,
  });
}
