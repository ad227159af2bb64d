// Idempotency keys of the tenant's publishing requests. A key is claimed by one
// attempt; a repeat of a finished request gets the first answer back; a repeat while
// the first is still running, or with a different body, is refused. Answers are kept
// 24 hours. Retryable failures give the key back, so a retry can try again.

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export interface StoredAnswer {
  status: number;
  body: unknown;
}

export type Claim =
  | { kind: "claimed" }
  | { kind: "replay"; answer: StoredAnswer }
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
  if (row.status !== null)
    return { kind: "replay", answer: { status: row.status, body: JSON.parse(row.body ?? "null") } };
  return row.attempt_id === attemptId ? { kind: "claimed" } : { kind: "in_progress" };
}

export function storeAnswer(sql: SqlStorage, key: string, attemptId: string, answer: StoredAnswer): void {
  sql.exec(
    "UPDATE idempotency SET status = ?, body = ? WHERE key = ? AND attempt_id = ?",
    answer.status,
    JSON.stringify(answer.body),
    key,
    attemptId,
  );
}

export function releaseKey(sql: SqlStorage, key: string, attemptId: string): void {
  sql.exec("DELETE FROM idempotency WHERE key = ? AND attempt_id = ? AND status IS NULL", key, attemptId);
}
