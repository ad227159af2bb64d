// The typed client's types (client/schema.d.ts) are what openapi-typescript makes of the
// document this Worker serves: a route or schema changed without `npm run
// client:generate` fails here, naming the first line that differs.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCHEMA_FILE, schemaModule } from "../client/generate-types.ts";
import { type RunningWorker, startWorker } from "./support/worker";

/** The first line where `actual` and `expected` differ, with its number; null when equal. */
function firstDifference(actual: string, expected: string): string | null {
  const a = actual.split("\n");
  const b = expected.split("\n");
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}: committed ${JSON.stringify(a[i])}, served ${JSON.stringify(b[i])}`;
  }
  return null;
}

describe("the typed client's types", () => {
  let worker: RunningWorker;

  beforeAll(async () => {
    worker = await startWorker();
  });

  afterAll(async () => {
    await worker?.close();
  });

  it("match the /openapi.json the Worker serves (else: npm run client:generate)", async () => {
    const document = await (await fetch(new URL("/openapi.json", worker.url))).json();
    const generated = await schemaModule(document);
    // Generating is deterministic: the same document gives the same text.
    expect(await schemaModule(document)).toBe(generated);
    expect(firstDifference(readFileSync(SCHEMA_FILE, "utf8"), generated)).toBeNull();
  });
});
