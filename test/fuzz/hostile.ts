// Hostile values for the fuzzer: what an attacker or a broken client sends instead of
// what a field expects. Wrong types, out-of-range and float32-overflowing numbers,
// NUL and unusual Unicode (lone surrogates, right-to-left overrides, emoji), huge
// strings and deep nesting.
import fc from "fast-check";

/**
 * A value nested `depth` levels deep (`{"k":{"k":...}}` or `[[...]]`). Kept as a marker
 * and written out as text by toJsonText: JSON.stringify itself recurses and overflows
 * the stack a few thousand levels down.
 */
export class Deep {
  constructor(
    readonly depth: number,
    readonly kind: "object" | "array",
  ) {}

  text(): string {
    return this.kind === "object"
      ? `${'{"k":'.repeat(this.depth)}1${"}".repeat(this.depth)}`
      : `${"[".repeat(this.depth)}1${"]".repeat(this.depth)}`;
  }
}

/** JSON text of `value`, with every Deep marker in it written out. */
export function toJsonText(value: unknown): string {
  const deep: Deep[] = [];
  const text =
    JSON.stringify(value, (_key, inner: unknown) =>
      inner instanceof Deep ? `\u0000DEEP${deep.push(inner) - 1}` : inner,
    ) ?? "null";
  return text.replace(/"\\u0000DEEP(\d+)"/g, (_match, index: string) => (deep[Number(index)] as Deep).text());
}

const STRANGE_STRINGS = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\uD800",
  "\uDFFF",
  "x\uDBFFy",
  "\u202Egnp.exe",
  "\u200F\u200E",
  "🦀🔥👩‍👩‍👧‍👦",
  "Ω≈ç√∫",
  "\uFEFF",
  "\r\n\t",
  "NaN",
  "Infinity",
  "-Infinity",
  "1e39",
  "-0",
  "null",
  "true",
  "[]",
  "{}",
  "../../etc/passwd",
  "%00",
  "%ZZ",
  "' OR 1=1 --",
  '"; DROP TABLE tenants; --',
  "<script>alert(1)</script>",
  "{{7*7}}",
  "2026-02-30T25:61:00Z",
  "0000-00-00",
  "ten_00000000000000000000000000",
  "tpl_ZZZZZZZZZZZZZZZZZZZZZZZZZZ",
  "__proto__",
];

const STRANGE_NUMBERS = [
  0,
  -0,
  -1,
  1,
  0.5,
  1e39,
  -1e39,
  1e-46,
  3.4028236e38,
  1.7976931348623157e308,
  Number.MIN_VALUE,
  2 ** 31,
  2 ** 53 + 2,
  -(2 ** 63),
  Number.MAX_SAFE_INTEGER,
  1.2345678901234568e29,
];

export const strangeString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...STRANGE_STRINGS),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
);

/** Very long strings: past every field cap, and past the 1 MB body cap. */
export const hugeString: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(300, 5000, 70_000, 1_100_000), fc.constantFrom("x", "é", "🦀", "\u0000", "\uD800"))
  .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)));

export const strangeNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(...STRANGE_NUMBERS),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

export const deepValue: fc.Arbitrary<unknown> = fc
  .tuple(fc.constantFrom(33, 200, 1200, 20_000), fc.constantFrom("object" as const, "array" as const))
  .map(([depth, kind]) => new Deep(depth, kind));

/** Any hostile JSON value (shallow ones are nested a little too). */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: strangeString },
  { weight: 3, arbitrary: strangeNumber },
  { weight: 1, arbitrary: hugeString },
  { weight: 2, arbitrary: deepValue },
  { weight: 2, arbitrary: fc.constantFrom(null, true, false, [], {}, [null], { "": null }) },
  { weight: 2, arbitrary: fc.array(fc.oneof(strangeString, strangeNumber), { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.array(strangeNumber, { minLength: 1000, maxLength: 1600 }) },
  { weight: 2, arbitrary: fc.dictionary(strangeString, fc.oneof(strangeString, strangeNumber), { maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
);

/** Key names an object should never carry. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "", "tenant_id", "id", "\u0000", "a.b", "$where", "🦀"),
  strangeString,
  fc.constant("k".repeat(5000)),
);
