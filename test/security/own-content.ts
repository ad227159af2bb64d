// Content and skills of the matrix's own tenant, made with the owner's session (not a
// key: keys are rate limited). `shared` ones are made once per world and reused by
// reads; `fresh` ones are made for each call that consumes them (deletes).
import { expect } from "vitest";
import { embedding } from "../content/vectors";
import { globalSkill, privateSkill } from "../skills/helpers";
import { call, json } from "../support/http";
import type { World } from "./world";

async function made<T = { id: string }>(token: string, path: string, body: unknown, method = "POST"): Promise<T> {
  const res = await call(path, { token, body, method });
  expect(res.status, `${path}: ${await res.clone().text()}`).toBeLessThan(300);
  return json<T>(res);
}

export const TEMPLATE = {
  name: "Launch",
  template_type: "social_post",
  platform: "linkedin",
  structure: { layout: "hero" },
};
export const CONFIGURATION = { name: "LinkedIn weekdays", platforms: ["linkedin"] };
export const knowledgeBody = () => ({
  title: "Tone",
  entry_type: "guideline",
  content: "Plain words.",
  embedding: embedding(),
});
export const brandProfile = () => ({
  embeddings: embedding(),
  palette: ["#1a5f7a"],
  typography: { headline: "Montserrat Bold 48pt" },
  logo_rules: { min_size_px: 120 },
});
export { skillBody } from "../skills/helpers";

const owner = (world: World) => world.actors.owner.session;

export const fresh = {
  template: async (world: World) => (await made(owner(world), "/v1/templates", TEMPLATE)).id,
  configuration: async (world: World) => (await made(owner(world), "/v1/post-configurations", CONFIGURATION)).id,
  knowledge: async (world: World) => (await made(owner(world), "/v1/knowledge", knowledgeBody())).id,
  content: async (world: World) =>
    (await made(owner(world), "/v1/content", { intent_spec: {}, content_type: "text", text_content: "Ours" })).id,
  privateSkill: (world: World) => privateSkill(world.tenant, {}, {}, owner(world)),
  globalSkill: () => globalSkill(),
  brandProfile: async (world: World) => {
    await made(owner(world), "/v1/brand-profile", brandProfile(), "PUT");
  },
};

const cache = new WeakMap<World, Map<string, Promise<unknown>>>();

/** One of each per world, made on first use. */
export function shared<T>(world: World, kind: string, make: (world: World) => Promise<T>): Promise<T> {
  let byKind = cache.get(world);
  if (!byKind) {
    byKind = new Map();
    cache.set(world, byKind);
  }
  if (!byKind.has(kind)) byKind.set(kind, make(world));
  return byKind.get(kind) as Promise<T>;
}
