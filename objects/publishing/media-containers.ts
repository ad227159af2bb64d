// The processing media a TenantObject is waiting on (table media_containers, object
// migration 11): Instagram containers, Facebook videos, X's GIF and video uploads,
// LinkedIn's videos. A post whose media is still processing was answered 202
// "processing"; the alarm asks its platform about the media (container-poller.ts). How
// often, and for how long, is each platform's:
// - Instagram: about once a minute for up to five minutes, as Meta recommends for a
//   container's status (Instagram Platform, "Content Publishing": query status_code once
//   per minute, for no more than 5 minutes); configuration (INSTAGRAM_CONTAINER_POLL_MS,
//   INSTAGRAM_CONTAINER_DEADLINE_MS).
// - Facebook: a video's Page post appears once the video is processed, which takes
//   longer for a longer video; asked once a minute for up to 30 minutes, then the post
//   is unknown (it may yet appear: docs/platforms.md).
// - X and LinkedIn: every 30 seconds for up to 10 minutes (docs/platforms.md). X's
//   processing_info names check_after_secs of a few seconds, and LinkedIn processes a
//   video in seconds to minutes; a poll is one light call, and the deadline bounds how
//   long a post may stay "processing".
import { envVariable } from "../../src/core/platforms/mode";
import type { Platform } from "../../src/core/platforms/types";
import type { Timers } from "../storage/timers";

/** What a processing post's D1 row says until it completes (its status is "unknown" there). */
export const PROCESSING = "processing";

export interface ContainerCadence {
  pollMs: number;
  deadlineMs: number;
}

/** X's and LinkedIn's media processing (see the file's head). */
const UPLOAD_CADENCE: ContainerCadence = { pollMs: 30_000, deadlineMs: 600_000 };
/** A Facebook video's Page post (see the file's head). */
const FACEBOOK_VIDEO_CADENCE: ContainerCadence = { pollMs: 60_000, deadlineMs: 30 * 60_000 };

export function containerCadence(env: Env, platform: Platform): ContainerCadence {
  if (platform === "twitter" || platform === "linkedin") return UPLOAD_CADENCE;
  if (platform === "facebook") return FACEBOOK_VIDEO_CADENCE;
  const pollMs = Number(envVariable(env, "INSTAGRAM_CONTAINER_POLL_MS") ?? 60_000);
  const deadlineMs = Number(envVariable(env, "INSTAGRAM_CONTAINER_DEADLINE_MS") ?? 300_000);
  return { pollMs: pollMs > 0 ? pollMs : 60_000, deadlineMs: deadlineMs > 0 ? deadlineMs : 300_000 };
}

/** Polls a container gets before the post fails: one per cadence within the deadline. */
export function maxPolls(cadence: ContainerCadence): number {
  return Math.max(1, Math.ceil(cadence.deadlineMs / cadence.pollMs));
}

export type ContainerRow = {
  attempt_id: string;
  account_id: string;
  container_id: string;
  created_at_ms: number;
  next_poll_ms: number;
  polls: number;
  state: "waiting" | "publishing";
  /** The attempt's platform (its row in attempts; rows older than X's and LinkedIn's media are Instagram's). */
  platform: Platform;
};

/** Starts waiting on a container (once: a repeated call keeps the first container). */
export async function trackContainer(
  sql: SqlStorage,
  timers: Timers<"media-containers">,
  cadence: ContainerCadence,
  entry: { attemptId: string; accountId: string; containerId: string },
  nowMs: number,
): Promise<void> {
  sql.exec(
    `INSERT INTO media_containers (attempt_id, account_id, container_id, created_at_ms, next_poll_ms)
     VALUES (?, ?, ?, ?, ?) ON CONFLICT(attempt_id) DO NOTHING`,
    entry.attemptId,
    entry.accountId,
    entry.containerId,
    nowMs,
    nowMs + cadence.pollMs,
  );
  await timers.scheduleAtMost("media-containers", nowMs + cadence.pollMs);
}

export function dueContainers(sql: SqlStorage, nowMs: number): ContainerRow[] {
  return sql
    .exec<ContainerRow>(
      `SELECT m.*, COALESCE(a.platform, 'instagram') AS platform
       FROM media_containers m LEFT JOIN attempts a ON a.attempt_id = m.attempt_id
       WHERE m.next_poll_ms <= ? ORDER BY m.next_poll_ms LIMIT 50`,
      nowMs,
    )
    .toArray();
}

export function setContainer(
  sql: SqlStorage,
  attemptId: string,
  changes: Partial<Omit<ContainerRow, "platform" | "attempt_id">>,
): void {
  const columns = Object.keys(changes) as (keyof typeof changes)[];
  sql.exec(
    `UPDATE media_containers SET ${columns.map((column) => `${column} = ?`).join(", ")} WHERE attempt_id = ?`,
    ...columns.map((column) => changes[column] ?? null),
    attemptId,
  );
}

export function dropContainer(sql: SqlStorage, attemptId: string): void {
  sql.exec("DELETE FROM media_containers WHERE attempt_id = ?", attemptId);
}

/** Arms the timer for the next container due; none when none is left. */
export async function armContainers(sql: SqlStorage, timers: Timers<"media-containers">): Promise<void> {
  const next = sql.exec<{ at: number | null }>("SELECT MIN(next_poll_ms) AS at FROM media_containers").one().at;
  if (next !== null) await timers.scheduleAtMost("media-containers", next);
}
