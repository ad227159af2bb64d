// Vectors outside float32 (src/router/http/vector-field.ts): a value float32 cannot hold (1e39) or a
// vector that rounds to all zeros (1e-46 everywhere) is a 400 naming the field, at
// every search and every write, and nothing is written. A row stored before this was
// checked (a legacy vector the index refuses) stays changeable.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { vectorToBytes } from "../../src/core/vector/codec";
import { embedding } from "../content/vectors";
import { brandProfile, knowledgeBody } from "../security/own-content";
import { privateSkill, skillBody } from "../skills/helpers";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { type RefusedCase, refusedFields } from "../support/refused-request";
import { createTenant, type TestTenant } from "../support/tenants";

/** A good embedding with `value` at `index`. */
function withValue(dimensions: number, index: number, value: number): number[] {
  const values = embedding(dimensions);
  values[index] = value;
  return values;
}

/** Non-zero numbers that all round to 0 as float32: an all-zero vector once stored. */
const underflowing = (dimensions: number) => Array.from({ length: dimensions }, (_, i) => (i % 2 ? 1e-46 : -1e-46));

let tenant: TestTenant;
let knowledgeId: string;
let skillId: string;

beforeAll(async () => {
  tenant = await createTenant();
  const res = await call("/v1/knowledge", { token: tenant.ownerKey, body: knowledgeBody() });
  knowledgeId = (await json<{ id: string }>(res)).id;
  skillId = (await privateSkill(tenant)).id;
});

const CASES: RefusedCase[] = [
  {
    name: "POST /v1/knowledge/search with 1e39",
    method: "POST",
    path: () => "/v1/knowledge/search",
    body: () => ({ vector: withValue(1536, 3, 1e39) }),
    field: "vector.3",
  },
  {
    name: "POST /v1/knowledge/search with a vector that rounds to zeros",
    method: "POST",
    path: () => "/v1/knowledge/search",
    body: () => ({ vector: underflowing(1536) }),
    field: "vector",
  },
  {
    name: "POST /v1/skills/search with -1e39",
    method: "POST",
    path: () => "/v1/skills/search",
    body: () => ({ vector: withValue(1024, 0, -1e39) }),
    field: "vector.0",
  },
  {
    name: "POST /v1/skills/search with a vector that rounds to zeros",
    method: "POST",
    path: () => "/v1/skills/search",
    body: () => ({ vector: underflowing(1024) }),
    field: "vector",
  },
  {
    name: "POST /v1/knowledge with 1e39",
    method: "POST",
    path: () => "/v1/knowledge",
    body: () => ({ ...knowledgeBody(), embedding: withValue(1536, 3, 1e39) }),
    field: "embedding.3",
  },
  {
    name: "PATCH /v1/knowledge/{id} with a vector that rounds to zeros",
    method: "PATCH",
    path: () => `/v1/knowledge/${knowledgeId}`,
    body: () => ({ embedding: underflowing(1536) }),
    field: "embedding",
  },
  {
    name: "PATCH /v1/knowledge/{id} with 1e39",
    method: "PATCH",
    path: () => `/v1/knowledge/${knowledgeId}`,
    body: () => ({ title: "New", embedding: withValue(1536, 7, 1e39) }),
    field: "embedding.7",
  },
  {
    name: "POST /v1/skills with 1e39",
    method: "POST",
    path: () => "/v1/skills",
    body: () => skillBody({}, { embedding: withValue(1024, 5, 1e39) }),
    field: "version.embedding.5",
  },
  {
    name: "POST /v1/skills/{id}/versions with a vector that rounds to zeros",
    method: "POST",
    path: () => `/v1/skills/${skillId}/versions`,
    body: () => ({ prompt_fragments: { system: "v2" }, embedding: underflowing(1024) }),
    field: "embedding",
  },
  {
    name: "POST /v1/admin/skills with 1e39",
    method: "POST",
    operator: true,
    path: () => "/v1/admin/skills",
    body: () => skillBody({}, { embedding: withValue(1024, 0, 1e39) }),
    field: "version.embedding.0",
  },
  {
    name: "PUT /v1/brand-profile with 1e39",
    method: "PUT",
    path: () => "/v1/brand-profile",
    body: () => ({ ...brandProfile(), embeddings: withValue(1536, 2, 1e39) }),
    field: "embeddings.2",
  },
  {
    name: "PUT /v1/brand-profile with a tone vector that rounds to zeros",
    method: "PUT",
    path: () => "/v1/brand-profile",
    body: () => ({ ...brandProfile(), tone_vectors: { calm: underflowing(1536) } }),
    field: "tone_vectors.calm",
  },
];

describe.each(CASES.map((c) => [c.name, c] as const))("%s", (_name, c) => {
  it(`answers 400 naming "${c.field}" and writes nothing`, async () => {
    expect(await refusedFields(c, tenant.ownerKey)).toContain(c.field);
  });
});

describe("float32's own range", () => {
  it("is accepted: the largest float32, and a subnormal that does not round to zero", async () => {
    const values = withValue(1536, 0, 3.4e38);
    values[1] = 1e-40;
    const res = await call("/v1/knowledge/search", { token: tenant.ownerKey, body: { vector: values } });
    expect(res.status, await res.clone().text()).toBe(200);
  });
});

describe("a legacy row whose stored vector the index refuses", () => {
  it("a knowledge entry stays changeable, leaves the index, and a good embedding makes it searchable again", async () => {
    const made = await call("/v1/knowledge", { token: tenant.ownerKey, body: knowledgeBody() });
    const { id } = await json<{ id: string }>(made);
    const bad = Float32Array.from(embedding(1536));
    bad[3] = Number.POSITIVE_INFINITY;
    await (await tenantDb(tenant.tenantId))
      .prepare("UPDATE brand_knowledge_entries SET embedding = ? WHERE entry_id = ?")
      .bind(vectorToBytes(bad), id)
      .run();
    const renamed = await call(`/v1/knowledge/${id}`, {
      method: "PATCH",
      token: tenant.ownerKey,
      body: { title: "Renamed" },
    });
    expect(renamed.status, await renamed.clone().text()).toBe(200);
    const good = embedding(1536);
    const search = () => call("/v1/knowledge/search", { token: tenant.ownerKey, body: { vector: good, top_k: 1 } });
    const ids = async () =>
      (await json<{ matches: { entry: { id: string } }[] }>(await search())).matches.map((m) => m.entry.id);
    expect(await ids()).not.toContain(id);
    const fixed = await call(`/v1/knowledge/${id}`, {
      method: "PATCH",
      token: tenant.ownerKey,
      body: { embedding: good },
    });
    expect(fixed.status, await fixed.clone().text()).toBe(200);
    expect(await ids()).toEqual([id]);
  });

  it("a skill with a zero stored embedding stays changeable", async () => {
    const skill = await privateSkill(tenant);
    await env.DB.prepare("UPDATE skill_embeddings SET vector = ? WHERE skill_id = ?")
      .bind(vectorToBytes(new Float32Array(1024)), skill.id)
      .run();
    const res = await call(`/v1/skills/${skill.id}`, {
      method: "PATCH",
      token: tenant.ownerKey,
      body: { name: "Renamed layout" },
    });
    expect(res.status, await res.clone().text()).toBe(200);
  });
});
