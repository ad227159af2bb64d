// Opaque pagination cursors: base64url JSON of the last row's sort key. A cursor
// that does not decode to the expected shape is a 400 naming the parameter.
import { z } from "@hono/zod-openapi";
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from "../../core/crypto/encoding";
import { ProblemError } from "./problem";

export function encodeCursor(value: unknown): string {
  return toBase64Url(utf8(JSON.stringify(value)));
}

export function decodeCursor<T>(cursor: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (cursor === undefined) return undefined;
  try {
    return schema.parse(JSON.parse(fromUtf8(fromBase64Url(cursor))));
  } catch {
    throw new ProblemError("validation", 'query field "cursor": not a cursor this list returned', {
      errors: [{ in: "query", field: "cursor", message: "Invalid cursor" }],
    });
  }
}

/** `?limit=&cursor=` for every list. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50).openapi({ description: "Page size (1 to 100)" }),
  cursor: z.string().max(512).optional().openapi({ description: "next_cursor of the previous page" }),
});

export function pageOf<T>(data: T[], hasMore: boolean, cursorOf: (last: T) => unknown) {
  const last = data.at(-1);
  return { data, next_cursor: hasMore && last !== undefined ? encodeCursor(cursorOf(last)) : null };
}
