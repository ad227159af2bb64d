// What the TenantObject keeps of an erased person's requests (docs/privacy.md, "A
// person's erasure"): a scheduled or held post's stored request (its author's id, address
// and browser, until it fires or is cancelled), a publish in flight and its record on its
// way to D1, a post waiting for an approver, a hold's audit row, audit rows waiting for
// the shard, and the answers kept to replay a repeated request. Each is JSON (or an id)
// that the object writes to D1 later, so it is scrubbed as the shard was
// (src/core/privacy/person-erasure.ts): their id becomes their pseudonym, their e-mail
// (any case) "[erased]", and a request or audit row they made loses its address and
// browser (src/core/privacy/erased-text.ts). A scheduled post of theirs then names the
// pseudonym, who is no active member: it is held when it comes due (post-holds.ts), as
// it was once its author was removed.
import { type ErasedPerson, erasedText, erasedValue } from "../../src/core/privacy/erased-text";

/** The object's tables and columns that hold a person's requests, by the table's key. */
const STORED_REQUESTS: readonly { table: string; key: string; columns: readonly string[] }[] = [
  { table: "scheduled_posts", key: "request_id", columns: ["input", "hold_audit", "vouched_by"] },
  { table: "attempts", key: "attempt_id", columns: ["input", "answer", "row"] },
  { table: "pending_approvals", key: "request_id", columns: ["input", "drafter", "decision"] },
  { table: "audit_outbox", key: "log_id", columns: ["row_json"] },
  { table: "idempotency", key: "key", columns: ["body"] },
];

function quoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A stored value with the person erased: JSON as JSON (actors lose their address), else as text. */
function erasedStored(stored: string, person: ErasedPerson): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stored);
  } catch {
    return erasedText(stored, person);
  }
  return JSON.stringify(erasedValue(parsed, person));
}

/** Scrubs every stored request naming the person; how many rows changed. */
export function eraseStoredRequests(sql: SqlStorage, person: ErasedPerson): number {
  const email = person.email.trim().toLowerCase();
  let changed = 0;
  for (const { table, key, columns } of STORED_REQUESTS) {
    // A table or column an older schema lacks has nothing to scrub.
    const present = new Set(
      sql
        .exec<{ name: string }>("SELECT name FROM pragma_table_info(?)", table)
        .toArray()
        .map((c) => c.name),
    );
    const held = columns.filter((column) => present.has(column));
    if (held.length === 0) continue;
    const tests = held
      .map((c) => `instr(${quoted(c)}, ?1) > 0 OR (?2 <> '' AND instr(lower(${quoted(c)}), ?2) > 0)`)
      .join(" OR ");
    const rows = sql
      .exec<Record<string, string | null>>(
        `SELECT ${quoted(key)} AS k, ${held.map(quoted).join(", ")} FROM ${quoted(table)} WHERE ${tests}`,
        person.userId,
        email,
      )
      .toArray();
    for (const row of rows) {
      const sets = held.filter((column) => typeof row[column] === "string");
      const values = sets.map((column) => erasedStored(row[column] as string, person));
      sql.exec(
        `UPDATE ${quoted(table)} SET ${sets.map((c) => `${quoted(c)} = ?`).join(", ")} WHERE ${quoted(key)} = ?`,
        ...values,
        row.k,
      );
      changed += 1;
    }
  }
  return changed;
}
