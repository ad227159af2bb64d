// What the Meta contract tests share: a recording configuration whose clock is the
// test's own (set, never read from the machine) and whose pause moves that clock
// instead of sleeping, and Graph's answers as Meta documents them.
import type { PlatformConfig } from "../../src/core/platforms/config";
import { PlatformError } from "../../src/core/platforms/errors";
import type { Platform } from "../../src/core/platforms/types";
import { recordingConfig } from "./exchange";

/** A fixed instant the test's clock starts at (any date works: nothing compares it with today). */
export const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);

export interface TestClock {
  now: number;
  /** Every pause the adapter asked for, in ms. */
  pauses: number[];
}

/**
 * recordingConfig with the test's clock, a request wait of `waitMs` (processing-wait.ts)
 * and a pause that moves the clock forward, so waiting takes no real time.
 */
export function clockedConfig(
  platform: Platform,
  answer: (request: Request, index: number) => Response | Promise<Response>,
  waitMs = 0,
): { config: PlatformConfig; requests: Request[]; clock: TestClock } {
  const recorded = recordingConfig(platform, answer);
  const clock: TestClock = { now: T0, pauses: [] };
  const config: PlatformConfig = {
    ...recorded.config,
    clock: () => clock.now,
    processingWaitMs: waitMs,
    pause: async (ms) => {
      clock.pauses.push(ms);
      clock.now += ms;
    },
  };
  return { config, requests: recorded.requests, clock };
}

/** Graph's error answer (Graph API "Handling Errors"), with `headers`. */
export function graphAnswer(
  status: number,
  error: { code: number; subcode?: number; is_transient?: boolean; message?: string },
  headers: Record<string, string> = {},
): Response {
  return Response.json(
    {
      error: {
        message: error.message ?? `(#${error.code}) documented answer`,
        type: "OAuthException",
        code: error.code,
        ...(error.subcode === undefined ? {} : { error_subcode: error.subcode }),
        ...(error.is_transient === undefined ? {} : { is_transient: error.is_transient }),
        fbtrace_id: "AbCdEfGhIjK",
      },
    },
    { status, headers },
  );
}

/** x-business-use-case-usage for one object, as Graph sends it ("Rate Limiting"). */
export function businessUsage(
  entries: { id: string; type: string; percent: number; regainMinutes: number }[],
): Record<string, string> {
  const value: Record<string, unknown[]> = {};
  for (const entry of entries) {
    value[entry.id] = [
      ...(value[entry.id] ?? []),
      {
        type: entry.type,
        call_count: entry.percent,
        total_cputime: 10,
        total_time: 10,
        estimated_time_to_regain_access: entry.regainMinutes,
      },
    ];
  }
  return { "x-business-use-case-usage": JSON.stringify(value) };
}

/** The error a promise rejected with (a PlatformError, or the test fails). */
export async function platformErrorOf(promise: Promise<unknown>): Promise<PlatformError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof PlatformError)) throw new Error(`expected a PlatformError, got ${String(error)}`);
  return error;
}

/** A JPEG's first bytes, and a PNG's. */
export const JPEG_BYTES = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]).buffer as ArrayBuffer;
export const PNG_BYTES = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).buffer as ArrayBuffer;
