// Text as SQLite will count it. SQLite's length() counts characters only up to the
// first NUL (U+0000), so "\u0000Acme" passes zod's min(1) and then fails a CHECK such as
// length(trim(name)) > 0 or length(request_id) BETWEEN 1 AND 128 in D1, as a 500. A NUL
// has no place in a name, title, reason or id: such fields refuse it at validation.
import { z } from "@hono/zod-openapi";

const NUL_MESSAGE = "may not contain NUL (U+0000)";

const withoutNul = (text: string) => !text.includes("\u0000");

/** Trimmed text of `min` to `max` characters, without NUL. */
export function plainText(min: number, max: number) {
  return z.string().trim().min(min).max(max).refine(withoutNul, NUL_MESSAGE);
}

/** An opaque client-chosen id (kept as sent, not trimmed) of 1 to `max` characters, without NUL. */
export function clientId(max: number) {
  return z.string().min(1).max(max).refine(withoutNul, NUL_MESSAGE);
}
