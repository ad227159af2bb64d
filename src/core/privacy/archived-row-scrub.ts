// One archived audit row (src/core/retention/audit-day-object.ts) as a person's erasure
// leaves it (docs/privacy.md, "A person's erasure"): exactly what the erasure does to
// the row while it is still in D1 (./person-erasure.ts), so a row reads the same
// wherever the retention job had moved it.
//
// - Their rows (actor = their user id) name their pseudonym and keep no address or browser.
// - A row about them as a user (resource "user", their id) names the pseudonym.
// - Their e-mail, in any case, becomes "[erased]" in every text field; their user id
//   anywhere in the text becomes the pseudonym; their name as a JSON value of the
//   metadata, exactly, becomes "[erased]".
import type { AuditLogRow } from "../db/audit-logs";
import { erasedText } from "./erased-text";
import { ERASED_TEXT } from "./pseudonym";

export interface ArchivedErasure {
  userId: string;
  pseudonym: string;
  email: string;
  name: string | null;
}

/** The row as the erasure leaves it; the same object when nothing of the person is in it. */
export function scrubArchivedRow(row: AuditLogRow, person: ArchivedErasure): AuditLogRow {
  const out: Record<string, unknown> = { ...row };
  if (row.user_id === person.userId) {
    out.ip_address = null;
    out.user_agent = null;
  }
  for (const [field, value] of Object.entries(out)) {
    if (typeof value === "string") out[field] = erasedText(value, person);
  }
  if (person.name && typeof out.metadata === "string") {
    out.metadata = (out.metadata as string).split(JSON.stringify(person.name)).join(`"${ERASED_TEXT}"`);
  }
  const changed = Object.keys(out).some((field) => out[field] !== (row as unknown as Record<string, unknown>)[field]);
  return changed ? (out as unknown as AuditLogRow) : row;
}
