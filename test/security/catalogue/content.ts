// The content routes (README, "Content and skills"), with who may call them: brand
// profile, templates, post configurations, knowledge, generated content and its
// feedback; the skills routes are in skills.ts.
import { embedding } from "../../content/vectors";
import { brandProfile, CONFIGURATION, fresh, knowledgeBody, shared, TEMPLATE } from "../own-content";
import type { RouteCase } from "../route-case";
import type { World } from "../world";
import { ADMINS, ALL, WRITERS } from "./identity";
import { SKILL_ROUTES } from "./skills";

const ownTemplate = (world: World) => shared(world, "template", fresh.template);
const ownConfiguration = (world: World) => shared(world, "configuration", fresh.configuration);
const ownKnowledge = (world: World) => shared(world, "knowledge", fresh.knowledge);
const ownContent = (world: World) => shared(world, "content", fresh.content);
const withProfile = async (world: World) => {
  await fresh.brandProfile(world);
  return "/v1/brand-profile";
};

/** The five routes of a tenant-owned collection. */
function collection(options: {
  base: string;
  own: (world: World) => Promise<string>;
  fresh: (world: World) => Promise<string>;
  foreign: (world: World) => string;
  create: () => unknown;
  invalidCreate: { body: unknown; field: string };
  patch: unknown;
  invalidPatch: { body: unknown; field: string };
}): RouteCase[] {
  const { base } = options;
  const item = async (world: World) => `${base}/${await options.own(world)}`;
  const foreign = (world: World) => `${base}/${options.foreign(world)}`;
  return [
    {
      name: `GET ${base}`,
      method: "GET",
      path: () => base,
      roles: ALL,
      scope: "read:content",
      mutation: false,
      ok: 200,
      invalid: { path: () => `${base}?limit=0`, field: "limit" },
    },
    {
      name: `POST ${base}`,
      method: "POST",
      path: () => base,
      body: options.create,
      roles: WRITERS,
      scope: "write:content",
      mutation: true,
      ok: 201,
      invalid: options.invalidCreate,
    },
    {
      name: `GET ${base}/{id}`,
      method: "GET",
      path: item,
      roles: ALL,
      scope: "read:content",
      mutation: false,
      ok: 200,
      invalid: { path: () => `${base}/not-an-id`, field: "id" },
      foreign,
    },
    {
      name: `PATCH ${base}/{id}`,
      method: "PATCH",
      path: item,
      body: options.patch,
      roles: WRITERS,
      scope: "write:content",
      mutation: true,
      ok: 200,
      invalid: options.invalidPatch,
      foreign,
    },
    {
      name: `DELETE ${base}/{id}`,
      method: "DELETE",
      path: async (world) => `${base}/${await options.fresh(world)}`,
      roles: WRITERS,
      scope: "write:content",
      mutation: true,
      ok: 204,
      invalid: { path: () => `${base}/${base.slice(4, 7)}_lowercase`, field: "id" },
      foreign,
    },
  ];
}

const contentItem = async (world: World) => `/v1/content/${await ownContent(world)}`;
const foreignContent = (world: World) => `/v1/content/${world.otherContent.contentId}`;

export const CONTENT_ROUTES: RouteCase[] = [
  {
    name: "GET /v1/brand-profile",
    method: "GET",
    path: withProfile,
    roles: ALL,
    scope: "read:brand",
    mutation: false,
    ok: 200,
  },
  {
    name: "PUT /v1/brand-profile",
    method: "PUT",
    path: () => "/v1/brand-profile",
    body: brandProfile,
    roles: ADMINS,
    scope: "write:brand",
    mutation: true,
    ok: 200,
    invalid: { body: { ...brandProfile(), palette: ["red"] }, field: "palette.0" },
  },
  {
    name: "DELETE /v1/brand-profile",
    method: "DELETE",
    path: withProfile,
    roles: ADMINS,
    scope: "write:brand",
    mutation: true,
    ok: 204,
  },
  ...collection({
    base: "/v1/templates",
    own: ownTemplate,
    fresh: fresh.template,
    foreign: (world) => world.otherContent.templateId,
    create: () => TEMPLATE,
    invalidCreate: { body: { ...TEMPLATE, template_type: "billboard" }, field: "template_type" },
    patch: { name: "Renamed" },
    invalidPatch: { body: { platform: "myspace" }, field: "platform" },
  }),
  ...collection({
    base: "/v1/post-configurations",
    own: ownConfiguration,
    fresh: fresh.configuration,
    foreign: (world) => world.otherContent.configurationId,
    create: () => CONFIGURATION,
    invalidCreate: { body: { ...CONFIGURATION, platforms: [] }, field: "platforms" },
    patch: { is_default: true },
    invalidPatch: { body: { timezone: "Mars/Olympus" }, field: "timezone" },
  }),
  ...collection({
    base: "/v1/knowledge",
    own: ownKnowledge,
    fresh: fresh.knowledge,
    foreign: (world) => world.otherContent.knowledgeId,
    create: knowledgeBody,
    invalidCreate: { body: { ...knowledgeBody(), entry_type: "rumour" }, field: "entry_type" },
    patch: { title: "Renamed" },
    invalidPatch: { body: { status: "deleted" }, field: "status" },
  }),
  {
    name: "POST /v1/knowledge/search",
    method: "POST",
    path: () => "/v1/knowledge/search",
    body: () => ({ vector: embedding() }),
    roles: ALL,
    scope: "read:content",
    // A POST: its failures are audited like a change's.
    mutation: true,
    ok: 200,
    invalid: { body: { vector: embedding(), filter: { tenant_id: "ten_other" } }, field: "filter.tenant_id" },
  },
  {
    name: "GET /v1/content",
    method: "GET",
    path: () => "/v1/content",
    roles: ALL,
    scope: "read:content",
    mutation: false,
    ok: 200,
    invalid: { path: () => "/v1/content?selected=maybe", field: "selected" },
  },
  {
    name: "POST /v1/content",
    method: "POST",
    path: () => "/v1/content",
    body: { intent_spec: { goal: "launch" }, content_type: "text", text_content: "New rebar in stock" },
    roles: WRITERS,
    scope: "write:content",
    mutation: true,
    ok: 201,
    invalid: { body: { intent_spec: {}, content_type: "image" }, field: "image_url" },
  },
  {
    name: "GET /v1/content/{id}",
    method: "GET",
    path: contentItem,
    roles: ALL,
    scope: "read:content",
    mutation: false,
    ok: 200,
    invalid: { path: () => "/v1/content/gen_123", field: "id" },
    foreign: foreignContent,
  },
  {
    name: "PATCH /v1/content/{id}",
    method: "PATCH",
    path: contentItem,
    body: { user_selected: true },
    roles: WRITERS,
    scope: "write:content",
    mutation: true,
    ok: 200,
    invalid: { body: { user_selected: "yes" }, field: "user_selected" },
    foreign: foreignContent,
  },
  {
    name: "POST /v1/content/{id}/revisions",
    method: "POST",
    path: async (world) => `${await contentItem(world)}/revisions`,
    body: { classification: "preference", labels_preference: ["tone_adjustment"], revision_type: "manual_edit" },
    roles: WRITERS,
    scope: "write:content",
    mutation: true,
    ok: 201,
    invalid: { body: { classification: "bug", revision_type: "regenerate" }, field: "classification" },
    foreign: (world) => `${foreignContent(world)}/revisions`,
  },
  {
    name: "GET /v1/content/{id}/revisions",
    method: "GET",
    path: async (world) => `${await contentItem(world)}/revisions`,
    roles: ALL,
    scope: "read:content",
    mutation: false,
    ok: 200,
    invalid: { path: async (world) => `${await contentItem(world)}/revisions?cursor=forged`, field: "cursor" },
    foreign: (world) => `${foreignContent(world)}/revisions`,
  },
  {
    name: "POST /v1/content/{id}/guards",
    method: "POST",
    path: async (world) => `${await contentItem(world)}/guards`,
    body: { results: [{ guard_id: "contrast", pass: true, metrics: { ratio: 5.1 } }] },
    roles: WRITERS,
    scope: "write:content",
    mutation: true,
    ok: 201,
    invalid: { body: { results: [] }, field: "results" },
    foreign: (world) => `${foreignContent(world)}/guards`,
  },
  {
    name: "GET /v1/content/{id}/guards",
    method: "GET",
    path: async (world) => `${await contentItem(world)}/guards`,
    roles: ALL,
    scope: "read:content",
    mutation: false,
    ok: 200,
    foreign: (world) => `${foreignContent(world)}/guards`,
  },
  ...SKILL_ROUTES,
];
