// The mutations the fuzzer applies to a valid request: hostile values for body fields
// (of the wrong type, or of the right type and out of range), dropped and extra fields,
// bodies that are not JSON, other content types, hostile path parameters (other
// tenants' ids, very long ids, `../`, percent-encoded junk), query parameters (bad
// cursors and limits, unknown names) and header values.
import fc from "fast-check";
import { deepValue, hostileKey, hostileValue, hugeString, strangeNumber, strangeString, toJsonText } from "./hostile";
import type { DocumentedOperation } from "./openapi";
/** Replacements of the same JSON type as the value they replace: out of range rather than of the wrong type. */
export interface SameKind {
  number: number;
  string: string;
  nested: unknown;
}

export type Mutation =
  | { kind: "set"; field: string; value: unknown }
  | { kind: "setNested"; pick: number; value: unknown; sameKind: SameKind | null }
  | { kind: "drop"; pick: number }
  | { kind: "extra"; key: string; value: unknown }
  | { kind: "body"; value: unknown }
  | { kind: "raw"; text: string }
  | { kind: "bytes"; bytes: number[] }
  | { kind: "contentType"; value: string }
  | { kind: "pathParam"; pick: number; segment: string }
  | { kind: "query"; name: string; value: string }
  | { kind: "header"; name: string; value: string };

/** Any string as a percent-encoded URL component (lone surrogates become U+FFFD, as a browser would send them). */
export function percentEncoded(text: string): string {
  return [...new TextEncoder().encode(text)]
    .map((byte) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`,
    )
    .join("");
}

function base64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  return btoa(String.fromCharCode(...bytes.slice(0, 4096)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

const RAW_BODIES = [
  "",
  "{",
  '{"a":',
  "null",
  "[]",
  '"text"',
  "42",
  '{"a":1,}',
  "{'a':1}",
  '{"a":1}{"b":2}',
  "\u0000",
  '{"a":"\\ud800"}',
  "\uFEFF{}",
  "NaN",
  '{"a":1e999}',
  `${"[".repeat(50_000)}${"]".repeat(50_000)}`,
];

const CONTENT_TYPES = [
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=fuzz",
  "application/json; charset=utf-16",
  "application/problem+json",
  "application/jsonx",
  "",
];

const PATH_SEGMENTS = [
  "..",
  ".",
  "%2e%2e",
  "..%2f..%2fv1%2ftenant",
  "%2F",
  "%00",
  "%ZZ",
  "%",
  "%ED%A0%80",
  "%F0%9F%A6%80",
  "%E2%80%AE",
  "%20",
  "-1",
  "null",
  "tpl_00000000000000000000000000",
  "skl_00000000000000000000000000",
  "SKL_01ABCDEFGHJKMNPQRSTVWXYZ01",
  `tpl_${"A".repeat(5000)}`,
  "a".repeat(10_000),
];

const QUERY_VALUES = [
  "",
  "-1",
  "0",
  "1.5",
  "101",
  "1e39",
  "-0",
  "NaN",
  "Infinity",
  "true",
  "abc",
  "99999999999999999999",
  "%00",
  "2026-13-45",
  "[]",
];

/** Cursors a list never returned: not base64, base64 of something else, or of the wrong shape. */
const badCursor: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("forged", "====", "e30", "bnVsbA", "W10", "%ZZ", "a".repeat(600)),
  hostileValue.map((value) => base64Url(toJsonText({ id: value, t: value, n: value, s: value, v: value }))),
  fc.oneof(strangeString, strangeNumber).map((value) => base64Url(toJsonText(value))),
);

const queryValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...QUERY_VALUES),
  strangeString.map(percentEncoded),
  fc.constantFrom(300, 5000).map((n) => "q".repeat(n)),
);

/** Header values a client can send (ASCII: workerd would re-encode anything else as UTF-8, with a warning). */
const headerValue: fc.Arbitrary<string> = fc.constantFrom(
  "",
  " ",
  "x".repeat(256),
  "x".repeat(8000),
  "a b",
  "a\tb",
  "\u0001",
  "\u007f",
  "%00",
);

const sameKind: fc.Arbitrary<SameKind> = fc.record({
  number: strangeNumber,
  string: fc.oneof(strangeString, hugeString),
  nested: fc.oneof(deepValue, fc.dictionary(hostileKey, hostileValue, { maxKeys: 3 })),
});

function weighted<T extends Mutation>(
  weight: number,
  fields: { [K in keyof T]: fc.Arbitrary<T[K]> },
): fc.WeightedArbitrary<Mutation> {
  return { weight, arbitrary: fc.record(fields) as unknown as fc.Arbitrary<Mutation> };
}

/** The mutations an operation can take; `ids` are real ids of every kind, of this tenant and the other. */
export function mutations(operation: DocumentedOperation, ids: readonly string[]): fc.Arbitrary<Mutation> {
  const fields = operation.bodyFields.length > 0 ? operation.bodyFields : ["name"];
  const options: fc.WeightedArbitrary<Mutation>[] = [
    weighted(3, { kind: fc.constant("set" as const), field: fc.constantFrom(...fields), value: hostileValue }),
    weighted(6, {
      kind: fc.constant("setNested" as const),
      pick: fc.nat(),
      value: hostileValue,
      sameKind: fc.option(sameKind, { freq: 2 }),
    }),
    weighted(1, { kind: fc.constant("drop" as const), pick: fc.nat() }),
    weighted(1, { kind: fc.constant("extra" as const), key: hostileKey, value: hostileValue }),
    weighted(1, { kind: fc.constant("body" as const), value: hostileValue }),
    weighted(1, { kind: fc.constant("raw" as const), text: fc.oneof(fc.constantFrom(...RAW_BODIES), hugeString) }),
    weighted(1, {
      kind: fc.constant("bytes" as const),
      bytes: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }),
    }),
    weighted(1, { kind: fc.constant("contentType" as const), value: fc.constantFrom(...CONTENT_TYPES) }),
    weighted(2, {
      kind: fc.constant("query" as const),
      name: fc.oneof(fc.constantFrom(...operation.queryParams, "limit", "cursor"), hostileKey.map(percentEncoded)),
      value: queryValue,
    }),
    weighted(1, { kind: fc.constant("query" as const), name: fc.constant("cursor"), value: badCursor }),
  ];
  if (operation.pathParams.length > 0) {
    options.push(
      weighted(3, {
        kind: fc.constant("pathParam" as const),
        pick: fc.nat(),
        segment: fc.oneof(fc.constantFrom(...PATH_SEGMENTS, ...ids), strangeString.map(percentEncoded)),
      }),
    );
  }
  for (const name of operation.headerParams) {
    options.push(weighted(1, { kind: fc.constant("header" as const), name: fc.constant(name), value: headerValue }));
  }
  return fc.oneof(...options);
}
