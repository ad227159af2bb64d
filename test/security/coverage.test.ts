// Every operation the API documents is either public, the operator's, or walked by
// the security matrix: a new route cannot skip its security cases.
import { describe, expect, it } from "vitest";
import { call } from "../support/http";
import { ROUTES } from "./catalogue";

// The OAuth start (and its consent form) and callback carry no credential: the
// single-use state, bound to the browser that opened it, is the credential.
const PUBLIC = [
  "GET /v1/health",
  "POST /v1/auth/login",
  // The reset token is the credential (src/routes/password-reset.ts).
  "POST /v1/auth/password-reset",
  "GET /v1/oauth/{platform}/start",
  "POST /v1/oauth/{platform}/start",
  "GET /v1/oauth/{platform}/callback",
];
const OPERATOR = [
  "POST /v1/tenants",
  "PATCH /v1/tenants/{id}",
  "POST /v1/admin/skills",
  "POST /v1/admin/skills/{id}/promote",
  "POST /v1/admin/skills/{id}/retire",
  "GET /v1/admin/sharing-events",
  "POST /v1/admin/jobs/daily-skills",
  "POST /v1/admin/jobs/retention",
  "GET /v1/admin/shards",
  "PATCH /v1/admin/shards/{shard}",
  "GET /v1/admin/tenants/{id}/placement",
  "POST /v1/admin/tenants/{id}/move",
  "GET /v1/admin/tenants/{id}/posts",
  "POST /v1/admin/tenants/{id}/posts/{post_id}/cancel",
];

describe("the security matrix", () => {
  it("covers every documented /v1 operation", async () => {
    const document = (await (await call("/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const covered = new Set([...PUBLIC, ...OPERATOR, ...ROUTES.map((r) => r.name)]);
    expect(operations.filter((op) => op.includes(" /v1/") && !covered.has(op))).toEqual([]);
    expect(ROUTES.map((r) => r.name).filter((name) => !operations.includes(name))).toEqual([]);
  });
});
