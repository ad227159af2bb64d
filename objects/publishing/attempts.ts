// The publishes this object admitted (table `attempts`), one row each from admission
// to its record: sending (admitted, no platform call yet), calling (the call was made:
// its outcome may be unknown, so it is never sent again), then recording and done
// (record-outbox.ts moves those two). Admission opens a row, the platform call marks
// it, the record settles it; a repeated call (`retry`) finds it here.
import type { Clock } from "../../src/core/clock";
import type { PublishRequestRow } from "../../src/core/db/publish-requests";
import type { Platform } from "../../src/core/platforms/types";
import type { PublishInput, RecordedOutcome } from "../tenant-object/contract";
import { PROCESSING } from "./media-containers";
import { recordedOutcome } from "./outcome";

type AttemptRow = {
  attempt_id: string;
  account_id: string;
  input: string;
  state: "sending" | "calling" | "recording" | "done";
  /** The record once finished (its outcome is rebuilt from it: outcome.ts, recordedOutcome). */
  row: string | null;
};

/** What a repeated publish finds of its attempt. */
export type Earlier =
  | { kind: "none" }
  /** Admitted, never sent: it goes on to its token. */
  | { kind: "unsent" }
  /** Its platform call began: it may have gone out, so it is not sent again. */
  | { kind: "called" }
  | { kind: "finished"; outcome: RecordedOutcome };

/** What the record finds of an attempt it is to settle. */
export type Settling = { kind: "open"; input: PublishInput } | { kind: "finished"; outcome: RecordedOutcome } | null;

export class Attempts {
  /** Attempts opened by this instance and not yet settled (SQLite has them too). */
  private readonly inFlight = new Map<string, { input: PublishInput; state: "sending" | "calling" }>();

  constructor(
    private readonly sql: SqlStorage,
    private readonly clock: Clock,
  ) {}

  private find(attemptId: string): AttemptRow | null {
    return (
      this.sql
        .exec<AttemptRow>(
          "SELECT attempt_id, account_id, input, state, row FROM attempts WHERE attempt_id = ?",
          attemptId,
        )
        .toArray()[0] ?? null
    );
  }

  earlier(attemptId: string): Earlier {
    const attempt = this.find(attemptId);
    if (attempt?.state === "sending") return { kind: "unsent" };
    if (attempt?.state === "calling") return { kind: "called" };
    if (attempt?.row)
      return { kind: "finished", outcome: recordedOutcome(JSON.parse(attempt.row) as PublishRequestRow) };
    return { kind: "none" };
  }

  /**
   * Opens an admitted attempt. With its token ready the platform call follows in this
   * turn, so it is opened as calling at once (one write, not an insert and an update).
   */
  open(input: PublishInput, platform: Platform, state: "sending" | "calling", nowMs: number): void {
    this.sql.exec(
      `INSERT INTO attempts (attempt_id, account_id, platform, input, state, created_at_ms, updated_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      input.attemptId,
      input.accountId,
      platform,
      JSON.stringify(input),
      state,
      nowMs,
      nowMs,
    );
    this.inFlight.set(input.attemptId, { input, state });
  }

  /** The platform call is about to be made (calling), or was refused for its token (sending again). */
  mark(attemptId: string, state: "sending" | "calling"): void {
    const known = this.inFlight.get(attemptId);
    // Recorded so already when the attempt was opened with its token ready.
    if (known?.state === state) return;
    if (known) known.state = state;
    this.sql.exec(
      "UPDATE attempts SET state = ?, updated_at_ms = ? WHERE attempt_id = ? AND state IN ('sending', 'calling')",
      state,
      this.clock(),
      attemptId,
    );
  }

  /** The account an attempt publishes to, while the attempt is known. */
  accountOf(attemptId: string): string | null {
    return this.find(attemptId)?.account_id ?? null;
  }

  /** The input of an attempt admitted but not yet sent (to go on after a refresh); null otherwise. */
  unsent(attemptId: string): PublishInput | null {
    const attempt = this.find(attemptId);
    return attempt?.state === "sending" ? (JSON.parse(attempt.input) as PublishInput) : null;
  }

  /** Takes an attempt up to settle it: its input while open, its outcome once finished, null when unknown. */
  settling(attemptId: string): Settling {
    const known = this.inFlight.get(attemptId);
    this.inFlight.delete(attemptId);
    if (known) return { kind: "open", input: known.input };
    const attempt = this.find(attemptId);
    if (!attempt) return null;
    if (attempt.row)
      return { kind: "finished", outcome: recordedOutcome(JSON.parse(attempt.row) as PublishRequestRow) };
    return { kind: "open", input: JSON.parse(attempt.input) as PublishInput };
  }

  /** A processing attempt's input and record (container-poller.ts completes it); null otherwise. */
  processing(attemptId: string): { input: PublishInput; row: PublishRequestRow } | null {
    const attempt = this.find(attemptId);
    const row = attempt?.row ? (JSON.parse(attempt.row) as PublishRequestRow) : null;
    if (!attempt || row?.error_type !== PROCESSING) return null;
    return { input: JSON.parse(attempt.input) as PublishInput, row };
  }

  /** When the attempt was opened (its send began then or soon after); null when it is not known. */
  openedAtMs(attemptId: string): number | null {
    return (
      this.sql
        .exec<{ created_at_ms: number }>("SELECT created_at_ms FROM attempts WHERE attempt_id = ?", attemptId)
        .toArray()[0]?.created_at_ms ?? null
    );
  }

  /** A finished attempt's input and record (reconcile.ts reads and rewrites it); null otherwise. */
  recorded(attemptId: string): { input: PublishInput; row: PublishRequestRow } | null {
    const attempt = this.find(attemptId);
    if (!attempt?.row) return null;
    return { input: JSON.parse(attempt.input) as PublishInput, row: JSON.parse(attempt.row) as PublishRequestRow };
  }

  /** Forgets an attempt that published nothing: the client may try again. */
  forget(attemptId: string): void {
    this.sql.exec("DELETE FROM attempts WHERE attempt_id = ?", attemptId);
  }
}
