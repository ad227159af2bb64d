// Idempotency keys of the tenant's publishing requests. A key is claimed by one
// attempt; a repeat of a finished request gets the first outcome back; a repeat while
// the first is still running, or with a different body, is refused. Outcomes are kept
// 24 hours. Retryable failures give the key back, so a retry can try again.
import type { PostView } from "../../src/core/db/publish-requests";
import type { RecordedOutcome } from "../tenant-object/contract";

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * `status` of a row that keeps a RecordedOutcome in `body`. Rows written before the
 * object answered with typed outcomes keep the HTTP answer instead: its status (201,
 * 202 or 422) and body (keptOutcome reads both).
 */
const OUTCOME = 0;

export type Claim =
  | { kind: "claimed" }
  | { kind: "replay"; first: RecordedOutcome }
  | { kind: "in_progress" }
  | { kind: "mismatch" };

type Row = {
  attempt_id: string;
  request_hash: string;
  status: number | null;
  body: string | null;
};

export function claimKey(sql: SqlStorage, key: string, attemptId: string, requestHash: string, nowMs: number): Claim {
  sql.exec("DELETE FROM idempotency WHERE created_at_ms <= ?", nowMs - IDEMPOTENCY_TTL_MS);
  const row = sql
    .exec<Row>("SELECT attempt_id, request_hash, status, body FROM idempotency WHERE key = ?", key)
    .toArray()[0];
  if (!row) {
    sql.exec(
      "INSERT INTO idempotency (key, attempt_id, request_hash, created_at_ms) VALUES (?, ?, ?, ?)",
      key,
      attemptId,
      requestHash,
      nowMs,
    );
    return { kind: "claimed" };
  }
  if (row.request_hash !== requestHash) return { kind: "mismatch" };
  if (row.status !== null) return { kind: "replay", first: keptOutcome(row.status, JSON.parse(row.body ?? "null")) };
  return row.attempt_id === attemptId ? { kind: "claimed" } : { kind: "in_progress" };
}

/** The outcome a row keeps: written as one, or an HTTP answer kept by an earlier version. */
function keptOutcome(status: number, body: unknown): RecordedOutcome {
  if (status === OUTCOME) return body as RecordedOutcome;
  if (status === 201) return { kind: "published", post: body as PostView };
  if (status === 422) {
    const problem = body as { detail: string; post: PostView };
    return { kind: "platform_refused", detail: problem.detail, post: problem.post };
  }
  return { kind: "accepted", post: body as PostView };
}

export function storeOutcome(sql: SqlStorage, key: string, attemptId: string, outcome: RecordedOutcome): void {
  sql.exec(
    "UPDATE idempotency SET status = ?, body = ? WHERE key = ? AND attempt_id = ?",
    OUTCOME,
    JSON.stringify(outcome),
    key,
    attemptId,
  );
}

export function releaseKey(sql: SqlStorage, key: string, attemptId: string): void {
  sql.exec("DELETE FROM idempotency WHERE key = ? AND attempt_id = ? AND status IS NULL", key, attemptId);
}
