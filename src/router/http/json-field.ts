// JSON-valued request fields (template structures, knowledge metadata, skill prompt
// fragments, brand rules, content intents, guard metrics, tenant settings): bounded in
// depth and in size at validation, so a value the store would refuse is a 400 naming
// the field and nothing is written.
//
// Why both bounds:
// - Depth. Every JSON column has a json_valid() CHECK, and SQLite's JSON parser refuses
//   nesting deeper than 1,000 levels: a deep value that passed the byte caps failed in
//   D1 as a 500. Worse, JSON.stringify recurses, so arrays nested ~100,000 deep (they
//   fit the 1 MB body cap) overflow the stack wherever the value is serialised. The
//   depth is therefore counted first, iteratively, before anything serialises it.
//   JSON_MAX_DEPTH = 32 levels (each object or array is one level; the field itself is
//   level 1): real documents here are a handful of levels deep, and 32 stays far from
//   SQLite's 1,000 and from any stack.
// - Size. The UTF-8 length of the field's JSON text, as it is stored. Each field names
//   its cap, from 4 KiB (one copy block) to 32 KiB (a template structure, a prompt):
//   the JSON fields of one row add up to at most 96 KiB (the brand profile's four), far
//   below D1's 2 MB row and value limit, and the fields of any one request fit well
//   inside the 1 MB body cap.
import { z } from "@hono/zod-openapi";

export const JSON_MAX_DEPTH = 32;

/** True when `value` nests objects or arrays deeper than `max` levels. Iterative: safe on any depth. */
export function deeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [item, depth] = next;
    if (item === null || typeof item !== "object") continue;
    if (depth > max) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
    }
  }
  return false;
}

const encoder = new TextEncoder();

/** The UTF-8 length of `value` as JSON text (call only on a value known to be shallow). */
export function jsonByteLength(value: unknown): number {
  return encoder.encode(JSON.stringify(value) ?? "").byteLength;
}

/** `schema` with the depth bound and a byte cap; the issue names the field it is attached to. */
export function boundedJson<T extends z.ZodType>(schema: T, bytes: number, depth = JSON_MAX_DEPTH): T {
  return schema.superRefine((value, ctx) => {
    if (deeperThan(value, depth)) {
      ctx.addIssue({ code: "custom", message: `nested deeper than ${depth} levels` });
    } else if (jsonByteLength(value) > bytes) {
      ctx.addIssue({ code: "custom", message: `at most ${bytes} bytes of JSON` });
    }
  }) as T;
}

/** A JSON object field of at most `bytes` (as stored) and JSON_MAX_DEPTH levels. */
export function jsonObject(bytes: number, example?: Record<string, unknown>) {
  return boundedJson(z.record(z.string().max(200), z.unknown()), bytes).openapi({
    description: `A JSON object: at most ${bytes} bytes and ${JSON_MAX_DEPTH} levels deep`,
    ...(example ? { example } : {}),
  });
}
