// What every sandbox endpoint works with, and the fault switches wrapped around it.
import type { Platform } from "../platforms/types";
import { type ErrorReason, platformError, throttleHeaders } from "./dialects";
import type { Endpoint, SandboxStore } from "./store";

export interface SandboxContext {
  platform: Platform;
  store: SandboxStore;
}

const DEFAULT_HANG_MS = 15_000;
const DEFAULT_RESET_SECONDS = 900;

export function fail(ctx: SandboxContext, reason: ErrorReason, message: string, headers: HeadersInit = {}): Response {
  return platformError(ctx.platform, reason, message, headers);
}

/**
 * Counts the call, then lets the first applicable fault switch decide: a 500, a 429
 * with reset headers, a hang (the work is done, the answer comes too late), or a 500
 * after the work (error_500_after: it was done, the answer says it failed).
 */
export async function faulty(
  ctx: SandboxContext,
  endpoint: Endpoint,
  userId: string | null,
  work: () => Promise<Response> | Response,
): Promise<Response> {
  ctx.store.count(endpoint, userId);
  const fault = ctx.store.takeFault(endpoint, userId, ["error_500", "rate_limit_429", "hang", "error_500_after"]);
  if (fault?.kind === "error_500") return fail(ctx, "server", "An internal error occurred (sandbox fault)");
  if (fault?.kind === "rate_limit_429") {
    const reset = Number(fault.params.reset_seconds ?? DEFAULT_RESET_SECONDS);
    const seconds = (name: string) => (fault.params[name] === undefined ? undefined : Number(fault.params[name]));
    return fail(
      ctx,
      "rate_limited",
      "Rate limit exceeded (sandbox fault)",
      throttleHeaders(ctx.platform, reset, seconds("daily_reset_seconds"), seconds("app_daily_reset_seconds")),
    );
  }
  const response = await work();
  // The work is done (a post created), and the answer is a failure all the same.
  if (fault?.kind === "error_500_after") return fail(ctx, "server", "An internal error occurred (sandbox fault)");
  if (fault?.kind === "hang") {
    await new Promise((resolve) => setTimeout(resolve, Number(fault.params.ms ?? DEFAULT_HANG_MS)));
  }
  return response;
}

/** The bearer token of a request (header, or Graph's access_token parameter). */
export function presentedToken(request: Request, form?: URLSearchParams): string | null {
  const header = request.headers.get("Authorization");
  if (header?.startsWith("Bearer ")) return header.slice(7);
  const url = new URL(request.url);
  return url.searchParams.get("access_token") ?? form?.get("access_token") ?? null;
}

/**
 * Runs an API endpoint for the holder of `token`: counted and faulted per user,
 * then 401 unless the token is live (the "expired_token" switch expires it first),
 * then 403 unless the token was granted every scope in `needs` (each platform's
 * permission error).
 */
export function withAccessToken(
  ctx: SandboxContext,
  endpoint: Endpoint,
  token: string | null,
  kinds: string[],
  work: (userId: string) => Promise<Response> | Response,
  needs: readonly string[] = [],
): Promise<Response> {
  const owner = token ? ctx.store.tokenUser(token) : null;
  return faulty(ctx, endpoint, owner, () => {
    if (token && ctx.store.takeFault(endpoint, owner, ["expired_token"])) ctx.store.expireToken(token);
    const check = ctx.store.checkToken(token, kinds);
    if ("error" in check) {
      return fail(ctx, check.error === "expired" ? "expired" : "unauthorized", `The access token is ${check.error}`);
    }
    const granted = ctx.store.tokenScopes(token as string);
    const missing = needs.filter((scope) => !granted.includes(scope));
    if (missing.length > 0) {
      return fail(
        ctx,
        "permission",
        `Not enough permissions to access this resource: ${missing.join(", ")} not granted`,
      );
    }
    return work(check.userId);
  });
}

export async function formOf(request: Request): Promise<URLSearchParams> {
  const type = request.headers.get("Content-Type") ?? "";
  if (type.includes("application/x-www-form-urlencoded")) {
    // Decoded from bytes: workerd warns when .text() meets a form content type.
    return new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer()));
  }
  return new URLSearchParams();
}
