// When a failed delivery is tried again (docs/webhooks.md, "Retries"). Ten tries of one
// event to one endpoint: at once, then after 30 s, 2 min, 10 min, 30 min, 1 h, 2 h,
// 4 h, 8 h and 8 h, each wait drawn within ±20% (jitter, so the retries of a burst that
// failed together do not come back together). The waits add up to 23 h 42 min 30 s,
// about a day. The longest wait with its jitter, 9 h 36 min, stays under Cloudflare
// Queues' longest delay for a message (12 h), so each retry is the message's own
// retry({delaySeconds}), never a wait inside the consumer.

/** Seconds to wait after try n fails (n = 1 … 9); try 10 is the last. */
export const RETRY_DELAYS_SECONDS = [30, 120, 600, 1800, 3600, 7200, 14_400, 28_800, 28_800] as const;
export const MAX_TRIES = RETRY_DELAYS_SECONDS.length + 1;
/** Each wait is drawn within this fraction of its nominal value, either way. */
export const JITTER = 0.2;
/** Queues' longest delay for one message. */
export const QUEUES_MAX_DELAY_SECONDS = 43_200;
/** An endpoint all of whose deliveries failed for this long is disabled, and its tenant told. */
export const FAILING_DISABLES_AFTER_MS = 3 * 24 * 3_600_000;

/**
 * Seconds until the next try after try `tryNumber` (1-based) failed, or null when it was
 * the last. `random` is in [0, 1): the jitter's draw.
 */
export function retryDelaySeconds(tryNumber: number, random: () => number = Math.random): number | null {
  const nominal = RETRY_DELAYS_SECONDS[tryNumber - 1];
  if (nominal === undefined) return null;
  const jittered = Math.round(nominal * (1 - JITTER + 2 * JITTER * random()));
  return Math.min(QUEUES_MAX_DELAY_SECONDS, Math.max(1, jittered));
}
