// The skills routes (README, "Content and skills"), with who may call them.
import { embedding } from "../../content/vectors";
import { fresh, shared, skillBody } from "../own-content";
import type { RouteCase } from "../route-case";
import type { World } from "../world";
import { ALL, WRITERS } from "./identity";

const ownSkill = (world: World) => shared(world, "private-skill", fresh.privateSkill);
const foreignSkill = (world: World) => `/v1/skills/${world.otherContent.skillId}`;

export const SKILL_ROUTES: RouteCase[] = [
  {
    name: "GET /v1/skills",
    method: "GET",
    path: () => "/v1/skills",
    roles: ALL,
    scope: "read:skills",
    mutation: false,
    ok: 200,
    invalid: { path: () => "/v1/skills?status=dead", field: "status" },
  },
  {
    name: "POST /v1/skills",
    method: "POST",
    path: () => "/v1/skills",
    body: () => skillBody(),
    roles: WRITERS,
    scope: "write:skills",
    mutation: true,
    ok: 201,
    invalid: {
      body: { ...skillBody(), version: { prompt_fragments: {}, embedding: [1, 2] } },
      field: "version.embedding",
    },
  },
  {
    name: "POST /v1/skills/search",
    method: "POST",
    path: () => "/v1/skills/search",
    body: () => ({ vector: embedding(1024) }),
    roles: ALL,
    scope: "read:skills",
    // A POST: its failures are audited like a change's.
    mutation: true,
    ok: 200,
    invalid: { body: { vector: embedding(1024), filter: { visibility: "global" } }, field: "filter.visibility" },
  },
  {
    name: "GET /v1/skills/{id}",
    method: "GET",
    path: async (world) => `/v1/skills/${(await ownSkill(world)).id}`,
    roles: ALL,
    scope: "read:skills",
    mutation: false,
    ok: 200,
    invalid: { path: () => "/v1/skills/skill_linkedin_3col", field: "id" },
    foreign: foreignSkill,
  },
  {
    name: "PATCH /v1/skills/{id}",
    method: "PATCH",
    path: async (world) => `/v1/skills/${(await ownSkill(world)).id}`,
    body: { name: "Our renamed layout" },
    roles: WRITERS,
    scope: "write:skills",
    mutation: true,
    ok: 200,
    invalid: { body: { status: "active" }, field: "reason" },
    foreign: foreignSkill,
  },
  {
    name: "GET /v1/skills/{id}/versions",
    method: "GET",
    path: async (world) => `/v1/skills/${(await ownSkill(world)).id}/versions`,
    roles: ALL,
    scope: "read:skills",
    mutation: false,
    ok: 200,
    invalid: { path: async (world) => `/v1/skills/${(await ownSkill(world)).id}/versions?limit=500`, field: "limit" },
    foreign: (world) => `${foreignSkill(world)}/versions`,
  },
  {
    name: "POST /v1/skills/{id}/versions",
    method: "POST",
    path: async (world) => `/v1/skills/${(await ownSkill(world)).id}/versions`,
    body: { prompt_fragments: { system: "v2" }, activate: false },
    roles: WRITERS,
    scope: "write:skills",
    mutation: true,
    ok: 201,
    invalid: { body: { prompt_fragments: "not an object" }, field: "prompt_fragments" },
    foreign: (world) => `${foreignSkill(world)}/versions`,
  },
  {
    name: "POST /v1/skills/{id}/versions/{versionId}/activate",
    method: "POST",
    path: async (world) => {
      const skill = await ownSkill(world);
      return `/v1/skills/${skill.id}/versions/${skill.active_version?.id}/activate`;
    },
    roles: WRITERS,
    scope: "write:skills",
    mutation: true,
    ok: 200,
    invalid: {
      path: async (world) => `/v1/skills/${(await ownSkill(world)).id}/versions/v1/activate`,
      field: "versionId",
    },
    foreign: (world) => `${foreignSkill(world)}/versions/${world.otherContent.skillVersionId}/activate`,
  },
  {
    name: "POST /v1/skills/{id}/fork",
    method: "POST",
    path: async (world) => `/v1/skills/${(await shared(world, "global-skill", fresh.globalSkill)).id}/fork`,
    body: {},
    roles: WRITERS,
    scope: "write:skills",
    mutation: true,
    ok: 201,
    invalid: { body: { name: "" }, field: "name" },
    foreign: (world) => `${foreignSkill(world)}/fork`,
  },
  {
    name: "GET /v1/skills/{id}/metrics",
    method: "GET",
    path: async (world) => `/v1/skills/${(await ownSkill(world)).id}/metrics`,
    roles: ALL,
    scope: "read:skills",
    mutation: false,
    ok: 200,
    invalid: {
      path: async (world) => `/v1/skills/${(await ownSkill(world)).id}/metrics?from=yesterday`,
      field: "from",
    },
    foreign: (world) => `${foreignSkill(world)}/metrics`,
  },
];
