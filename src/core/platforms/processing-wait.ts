// Waiting, within one request, for media a platform is still processing: a Facebook
// video's Page post id, an Instagram image container that is not FINISHED yet. The
// request waits at most the config's processingWaitMs (PLATFORM_PROCESSING_WAIT_MS,
// 10 s by default), asking again after 1, 2, 4, 4... seconds on the config's clock;
// past that the publish is answered "processing" and the TenantObject's alarm finishes
// it (objects/publishing/container-poller.ts). Tests give a pause that moves their own
// clock instead of sleeping.
import type { Clock } from "../clock";

/** What a wait needs of a platform's configuration (config.ts, which reads the default here). */
export interface ProcessingWaitConfig {
  clock: Clock;
  processingWaitMs?: number;
  pause?: (ms: number) => Promise<void>;
}

/** How long a request waits for processing media unless configured (ms). */
export const DEFAULT_PROCESSING_WAIT_MS = 10_000;
/** The longest wait configuration may ask for: a request must still answer well within its limits. */
export const MAX_PROCESSING_WAIT_MS = 25_000;

/**
 * `check()` until it answers (not null) or the wait is over: its answer, or null when
 * the media was still processing at the end. Asks once even with no time to wait.
 */
export async function waitWhileProcessing<T>(
  config: ProcessingWaitConfig,
  check: () => Promise<T | null>,
): Promise<T | null> {
  const budget = Math.min(MAX_PROCESSING_WAIT_MS, Math.max(0, config.processingWaitMs ?? 0));
  const start = config.clock();
  let delay = 1000;
  for (;;) {
    const answer = await check();
    if (answer !== null) return answer;
    if (!config.pause || config.clock() - start + delay > budget) return null;
    await config.pause(delay);
    delay = Math.min(delay * 2, 4000);
  }
}
