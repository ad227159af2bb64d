// A NUL in a name, title, reason or client-chosen id (found by the fuzzer): SQLite's
// length() stops at the first NUL, so "\u0000Acme" passed validation and then failed a
// CHECK such as length(trim(name)) > 0 in D1 as a 500. Now a 400 naming the field, and
// nothing is written.
import { beforeAll, describe, expect, it } from "vitest";
import { publish, type ReportTenant, reportTenant } from "../reports/helpers";
import { CONFIGURATION, knowledgeBody, TEMPLATE } from "../security/own-content";
import { privateSkill, skillBody } from "../skills/helpers";
import { call } from "../support/http";
import { type RefusedCase, refusedFields } from "../support/refused-request";

const NUL_NAME = "\u0000Acme";

let tenant: ReportTenant;
let skillId: string;
let posts: string[];

beforeAll(async () => {
  tenant = await reportTenant();
  skillId = (await privateSkill(tenant)).id;
  posts = [await publish(tenant), await publish(tenant)];
});

const CASES: RefusedCase[] = [
  {
    name: "POST /v1/tenants",
    method: "POST",
    operator: true,
    path: () => "/v1/tenants",
    body: () => ({
      name: NUL_NAME,
      region: "eu-west",
      owner: { email: "nul@example.com", password: "long enough password" },
    }),
    field: "name",
  },
  {
    name: "PATCH /v1/tenant",
    method: "PATCH",
    path: () => "/v1/tenant",
    body: () => ({ name: NUL_NAME }),
    field: "name",
  },
  {
    name: "POST /v1/templates",
    method: "POST",
    path: () => "/v1/templates",
    body: () => ({ ...TEMPLATE, name: NUL_NAME }),
    field: "name",
  },
  {
    name: "POST /v1/post-configurations",
    method: "POST",
    path: () => "/v1/post-configurations",
    body: () => ({ ...CONFIGURATION, name: NUL_NAME }),
    field: "name",
  },
  {
    name: "POST /v1/knowledge",
    method: "POST",
    path: () => "/v1/knowledge",
    body: () => ({ ...knowledgeBody(), title: NUL_NAME }),
    field: "title",
  },
  {
    name: "POST /v1/skills",
    method: "POST",
    path: () => "/v1/skills",
    body: () => skillBody({ name: NUL_NAME }),
    field: "name",
  },
  {
    name: "PATCH /v1/skills/{id} (a retirement's reason)",
    method: "PATCH",
    path: () => `/v1/skills/${skillId}`,
    body: () => ({ status: "retired", reason: "\u0000 no longer used" }),
    field: "reason",
  },
  {
    name: "POST /v1/content",
    method: "POST",
    path: () => "/v1/content",
    body: () => ({ request_id: "\u0000req", intent_spec: {}, content_type: "text", text_content: "Hi" }),
    field: "request_id",
  },
  {
    name: "POST /v1/ab-tests",
    method: "POST",
    path: () => "/v1/ab-tests",
    body: () => ({ name: NUL_NAME, variants: posts }),
    field: "name",
  },
];

describe.each(CASES.map((c) => [c.name, c] as const))("%s", (_name, c) => {
  it(`answers 400 naming "${c.field}" for text starting with NUL, and writes nothing`, async () => {
    expect(await refusedFields(c, tenant.ownerKey)).toEqual([c.field]);
  });
});

describe("text with a NUL inside", () => {
  it("is refused as well: a name has no place for one", async () => {
    const res = await call("/v1/templates", { token: tenant.ownerKey, body: { ...TEMPLATE, name: "Ac\u0000me" } });
    expect(res.status).toBe(400);
  });
});
