// A person's e-mail and id out of text that is not in D1 (docs/privacy.md, "A person's
// erasure"): their archived audit rows (./archived-row-scrub.ts) and what their
// TenantObject keeps of their requests (objects/privacy/person-requests.ts), scrubbed as
// the erasure scrubs the shard (./person-erasure.ts): the e-mail in any case becomes
// "[erased]", their user id their pseudonym.
import { ERASED_TEXT } from "./pseudonym";

export interface ErasedPerson {
  userId: string;
  pseudonym: string;
  /** Their e-mail; matched whatever its case. */
  email: string;
}

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `text` with the person's e-mail (any case) and user id replaced. */
export function erasedText(text: string, person: ErasedPerson): string {
  const email = person.email.trim();
  const withoutEmail = email === "" ? text : text.replace(new RegExp(escaped(email), "gi"), ERASED_TEXT);
  // A user id is an opaque id ("usr_" and a ULID): where it stands, it is theirs.
  return withoutEmail.split(person.userId).join(person.pseudonym);
}

/** True when `text` names the person by e-mail (any case) or user id. */
export function namesPerson(text: string, person: ErasedPerson): boolean {
  return erasedText(text, person) !== text;
}

/**
 * `value` (parsed JSON) with the person erased from every string in it; an object that
 * names them as its actor (`userId` or `user_id`: a request's actor, a drafter, an audit
 * row) also loses the address and browser it holds (`ip`, `userAgent`, `ip_address`,
 * `user_agent`), as their audit rows do.
 */
export function erasedValue(value: unknown, person: ErasedPerson): unknown {
  if (typeof value === "string") return erasedText(value, person);
  if (Array.isArray(value)) return value.map((item) => erasedValue(item, person));
  if (value === null || typeof value !== "object") return value;
  const source = value as Record<string, unknown>;
  const actor = source.userId === person.userId || source.user_id === person.userId;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(source)) {
    out[erasedText(key, person)] =
      actor && ["ip", "userAgent", "ip_address", "user_agent"].includes(key) ? null : erasedValue(item, person);
  }
  return out;
}
