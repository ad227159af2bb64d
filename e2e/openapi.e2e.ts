// /openapi.json is a valid OpenAPI 3.1 document, checked against the official
// 3.1 JSON schema (in Node: the validator compiles code, which workerd forbids).
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningWorker, startWorker } from "./support/worker";

describe("/openapi.json", () => {
  let worker: RunningWorker;

  beforeAll(async () => {
    worker = await startWorker();
  });

  afterAll(async () => {
    await worker?.close();
  });

  it("validates as OpenAPI 3.1 and documents the health route", async () => {
    const response = await fetch(new URL("/openapi.json", worker.url));
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\.1\./);
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
    expect(Object.keys(document.paths)).toContain("/v1/health");
  });
});
