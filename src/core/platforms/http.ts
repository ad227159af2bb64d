// One call to a platform: a deadline, and failures classified so that callers know
// whether anything may have happened (PlatformError).
import type { PlatformConfig } from "./config";
import { PlatformError } from "./errors";

export interface PlatformResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

function retryAfterSeconds(headers: Headers): number | undefined {
  const value = headers.get("Retry-After");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Sends `request` with the platform's deadline. Resolves with any HTTP answer;
 * rejects with PlatformError "timeout" when none came in time (it may have been
 * acted on) or "unavailable" when the platform could not be reached.
 */
export async function send(config: PlatformConfig, request: Request): Promise<PlatformResponse> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new PlatformError("timeout", `${config.platform} did not answer within ${config.timeoutMs} ms`)),
      config.timeoutMs,
    );
  });
  try {
    const response = await Promise.race([config.transport(request), deadline]);
    return {
      status: response.status,
      headers: response.headers,
      body: await Promise.race([readBody(response), deadline]),
    };
  } catch (error) {
    if (error instanceof PlatformError) throw error;
    throw new PlatformError("unavailable", `${config.platform} could not be reached: ${String(error)}`);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/** The message a platform put in an error body, whatever its shape. */
export function errorMessage(body: unknown): string {
  if (body && typeof body === "object") {
    const record = body as Record<string, unknown>;
    const nested = record.error;
    if (nested && typeof nested === "object") {
      const message = (nested as Record<string, unknown>).message;
      if (typeof message === "string") return message;
    }
    for (const key of ["error_description", "message", "detail", "title", "error"]) {
      if (typeof record[key] === "string") return record[key] as string;
    }
  }
  return typeof body === "string" && body ? body.slice(0, 300) : "no detail";
}

/**
 * Turns a non-2xx answer into the PlatformError it means. `authStatuses` are the
 * statuses that mean "this token is not accepted".
 */
export function failure(config: PlatformConfig, response: PlatformResponse, authStatuses = [401]): PlatformError {
  const message = `${config.platform} answered ${response.status}: ${errorMessage(response.body)}`;
  const details = { status: response.status, retryAfterSeconds: retryAfterSeconds(response.headers) };
  if (response.status === 429) return new PlatformError("rate_limited", message, details);
  if (authStatuses.includes(response.status)) return new PlatformError("auth", message, details);
  if (response.status >= 500) return new PlatformError("unavailable", message, details);
  return new PlatformError("rejected", message, details);
}

/**
 * A token endpoint's refusal: invalid_grant means the refresh credential is dead (RFC
 * 6749, section 5.2: an error answer is a 4xx). Only a refusal can say so: a 5xx, a
 * 429 or a timeout never marks a grant dead, whatever its body says.
 */
export function tokenFailure(config: PlatformConfig, response: PlatformResponse): PlatformError {
  const body = response.body as Record<string, unknown> | null;
  const code = typeof body?.error === "string" ? body.error : undefined;
  const refusal = response.status >= 400 && response.status < 500 && response.status !== 429;
  if (refusal && (code === "invalid_grant" || (response.status === 400 && /invalid_grant/.test(errorMessage(body))))) {
    return new PlatformError("invalid_grant", `${config.platform} refused the refresh: ${errorMessage(body)}`, {
      status: response.status,
      code: "invalid_grant",
    });
  }
  return failure(config, response, []);
}

export function formBody(values: Record<string, string>): { body: string; headers: Record<string, string> } {
  return {
    body: new URLSearchParams(values).toString(),
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  };
}

/** When a lifetime of `seconds` given at `nowMs` ends (null when none was given). */
export function expiresIn(seconds: unknown, nowMs: number): Date | null {
  return typeof seconds === "number" && seconds > 0 ? new Date(nowMs + seconds * 1000) : null;
}
