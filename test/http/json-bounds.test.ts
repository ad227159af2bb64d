// Every JSON-valued request field is bounded in depth and size at validation
// (ARCHITECTURE.md, Bounded inputs). A value nested 1,200 levels deep once passed the byte caps and then failed
// SQLite's json_valid CHECK as a 500; now each operation answers 400 naming the field
// and writes nothing.
import { beforeAll, describe, expect, it } from "vitest";
import { JSON_MAX_DEPTH } from "../../src/router/http/json-field";
import { brandProfile, knowledgeBody, TEMPLATE } from "../security/own-content";
import { privateSkill, skillBody } from "../skills/helpers";
import { call, json } from "../support/http";
import { ADMIN, auditCount, createTenant, snapshotExceptAudit, type TestTenant } from "../support/tenants";

/** `{ "level": { "level": ... 1 } }`, `depth` objects deep. */
function nestedObject(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < depth; i++) value = { level: value };
  return value;
}

/** A JSON text of arrays nested `depth` deep under `{ "k": ... }`: built as text, too deep to stringify. */
function deepArraysText(depth: number): string {
  return `{"k":${"[".repeat(depth)}${"]".repeat(depth)}}`;
}

interface Ids {
  templateId: string;
  knowledgeId: string;
  skillId: string;
  contentId: string;
}

interface Operation {
  name: string;
  /** The field the 400 must name. */
  field: string;
  path: (ids: Ids) => string;
  method: string;
  operator?: boolean;
  /** The request body with `value` in the JSON field. */
  body: (value: unknown) => unknown;
}

const OPERATIONS: Operation[] = [
  {
    name: "POST /v1/templates",
    field: "structure",
    method: "POST",
    path: () => "/v1/templates",
    body: (value) => ({ ...TEMPLATE, structure: value }),
  },
  {
    name: "PATCH /v1/templates/{id}",
    field: "structure",
    method: "PATCH",
    path: (ids) => `/v1/templates/${ids.templateId}`,
    body: (value) => ({ structure: value }),
  },
  {
    name: "POST /v1/knowledge",
    field: "metadata",
    method: "POST",
    path: () => "/v1/knowledge",
    body: (value) => ({ ...knowledgeBody(), metadata: value }),
  },
  {
    name: "PATCH /v1/knowledge/{id}",
    field: "metadata",
    method: "PATCH",
    path: (ids) => `/v1/knowledge/${ids.knowledgeId}`,
    body: (value) => ({ metadata: value }),
  },
  {
    name: "POST /v1/skills",
    field: "version.prompt_fragments",
    method: "POST",
    path: () => "/v1/skills",
    body: (value) => skillBody({}, { prompt_fragments: value }),
  },
  {
    name: "POST /v1/skills/{id}/versions",
    field: "constraints",
    method: "POST",
    path: (ids) => `/v1/skills/${ids.skillId}/versions`,
    body: (value) => ({ prompt_fragments: { system: "v2" }, constraints: value }),
  },
  {
    name: "POST /v1/admin/skills",
    field: "version.toolchain",
    method: "POST",
    operator: true,
    path: () => "/v1/admin/skills",
    body: (value) => skillBody({}, { toolchain: value }),
  },
  {
    name: "PUT /v1/brand-profile",
    field: "lexicon",
    method: "PUT",
    path: () => "/v1/brand-profile",
    body: (value) => ({ ...brandProfile(), lexicon: value }),
  },
  {
    name: "POST /v1/content",
    field: "intent_spec",
    method: "POST",
    path: () => "/v1/content",
    body: (value) => ({ intent_spec: { goal: "launch", detail: value }, content_type: "text", text_content: "Hi" }),
  },
  {
    name: "POST /v1/content/{id}/guards",
    field: "results.0.metrics",
    method: "POST",
    path: (ids) => `/v1/content/${ids.contentId}/guards`,
    body: (value) => ({ results: [{ guard_id: "contrast", pass: true, metrics: value }] }),
  },
  {
    name: "PATCH /v1/tenant",
    field: "settings",
    method: "PATCH",
    path: () => "/v1/tenant",
    body: (value) => ({ settings: { theme: value } }),
  },
  {
    name: "POST /v1/tenants",
    field: "settings",
    method: "POST",
    operator: true,
    path: () => "/v1/tenants",
    body: (value) => ({
      name: "Deep Ltd",
      region: "eu-west",
      settings: { theme: value },
      owner: { email: "deep@example.com", password: "long enough password" },
    }),
  },
];

let tenant: TestTenant;
let ids: Ids;

beforeAll(async () => {
  tenant = await createTenant();
  const made = async (path: string, body: unknown) => {
    const res = await call(path, { token: tenant.ownerKey, body });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await json<{ id: string }>(res)).id;
  };
  ids = {
    templateId: await made("/v1/templates", TEMPLATE),
    knowledgeId: await made("/v1/knowledge", knowledgeBody()),
    skillId: (await privateSkill(tenant)).id,
    contentId: await made("/v1/content", { intent_spec: {}, content_type: "text", text_content: "Ours" }),
  };
});

function send(op: Operation, body: unknown): Promise<Response> {
  return call(op.path(ids), { method: op.method, token: op.operator ? ADMIN : tenant.ownerKey, body });
}

/** Sends `body`, expects a 400 naming the operation's field, and that nothing but an audit row was written. */
async function expectRefused(op: Operation, body: unknown): Promise<Record<string, unknown>> {
  const before = await snapshotExceptAudit();
  const audits = await auditCount(tenant.tenantId);
  const res = await send(op, body);
  expect(res.status, await res.clone().text()).toBe(400);
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  const problem = await json(res);
  expect((problem.errors as { field: string }[]).map((e) => e.field)).toContain(op.field);
  expect(await snapshotExceptAudit()).toBe(before);
  // A refused tenant request is audited once; the operator's are not the tenant's.
  expect(await auditCount(tenant.tenantId)).toBeLessThanOrEqual(audits + 1);
  return problem;
}

describe.each(OPERATIONS.map((op) => [op.name, op] as const))("%s", (_name, op) => {
  it("answers 400 naming the field for a value nested 1,200 deep, and writes nothing", async () => {
    const problem = await expectRefused(op, op.body(nestedObject(1200)));
    expect(String(problem.detail)).toContain(op.field);
  });

  it(`refuses one level past the bound of ${JSON_MAX_DEPTH}`, async () => {
    await expectRefused(op, op.body(nestedObject(JSON_MAX_DEPTH + 1)));
  });

  it("refuses arrays nested 200,000 deep (inside the body cap, too deep to serialise)", async () => {
    const text = JSON.stringify(op.body("@@DEEP@@")).replace('"@@DEEP@@"', deepArraysText(200_000));
    await expectRefused(op, text);
  });

  it("refuses a value larger than the field's byte cap", async () => {
    await expectRefused(op, op.body({ blob: "x".repeat(70_000) }));
  });
});

describe("the bound", () => {
  it(`accepts a value exactly ${JSON_MAX_DEPTH} levels deep`, async () => {
    const res = await call("/v1/templates", {
      token: tenant.ownerKey,
      body: { ...TEMPLATE, structure: nestedObject(JSON_MAX_DEPTH) },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    expect((await json<{ structure: unknown }>(res)).structure).toEqual(nestedObject(JSON_MAX_DEPTH));
  });

  it("counts arrays as levels, and names the item of a list of JSON objects", async () => {
    const before = await snapshotExceptAudit();
    const res = await call("/v1/templates", {
      token: tenant.ownerKey,
      body: { ...TEMPLATE, default_copy_blocks: [{ name: "a" }, { name: JSON.parse(deepArraysText(40)) }] },
    });
    expect(res.status).toBe(400);
    const problem = await json(res);
    expect((problem.errors as { field: string }[]).map((e) => e.field)).toContain("default_copy_blocks.1");
    expect(await snapshotExceptAudit()).toBe(before);
  });
});
