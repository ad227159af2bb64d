// Skills made through the API, as the operator and tenants would.
import { expect } from "vitest";
import { embedding } from "../content/vectors";
import { call, json } from "../support/http";
import { ADMIN, type TestTenant } from "../support/tenants";

export interface Skill {
  id: string;
  name: string;
  status: string;
  tier: string;
  visibility: "global" | "private";
  parent_skill_id: string | null;
  active_version: { id: string; version_number: number } | null;
}

export function skillBody(overrides: Record<string, unknown> = {}, version: Record<string, unknown> = {}) {
  return {
    name: "3-Column Product Layout (LinkedIn)",
    task: "social_image_post",
    platform: "linkedin",
    modality: "image+text",
    ...overrides,
    version: {
      prompt_fragments: { system: "You lay out product posts.", user_template: "{{product}}" },
      guards: ["contrast", "safe_margin"],
      embedding: embedding(1024),
      ...version,
    },
  };
}

export async function globalSkill(overrides: Record<string, unknown> = {}, version: Record<string, unknown> = {}) {
  const res = await call("/v1/admin/skills", { token: ADMIN, body: skillBody(overrides, version) });
  expect(res.status, await res.clone().text()).toBe(201);
  return json<Skill>(res);
}

export async function privateSkill(
  tenant: TestTenant,
  overrides: Record<string, unknown> = {},
  version: Record<string, unknown> = {},
  token = tenant.ownerKey,
) {
  const res = await call("/v1/skills", { token, body: skillBody(overrides, version) });
  expect(res.status, await res.clone().text()).toBe(201);
  return json<Skill>(res);
}

/** Records a candidate generated with `skillId` by `tenant`; returns its id. */
export async function use(tenant: TestTenant, skillId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await call("/v1/content", {
    token: tenant.ownerKey,
    body: { intent_spec: { goal: "post" }, content_type: "text", text_content: "Hello", skill_id: skillId, ...extra },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await json<{ id: string }>(res)).id;
}

export function patchSkill(tenant: TestTenant, id: string, body: unknown) {
  return call(`/v1/skills/${id}`, { method: "PATCH", token: tenant.ownerKey, body });
}
