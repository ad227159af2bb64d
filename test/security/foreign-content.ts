// Content and skills of the other tenant, for the security matrix's 404 cases: each
// is a real row, so a 404 proves the route hides it rather than failing to find it.
import { expect } from "vitest";
import { embedding } from "../content/vectors";
import { call, json } from "../support/http";
import type { TestTenant } from "../support/tenants";

export interface ForeignContent {
  templateId: string;
  configurationId: string;
  knowledgeId: string;
  contentId: string;
  skillId: string;
  skillVersionId: string;
}

async function made<T = { id: string }>(token: string, path: string, body: unknown): Promise<T> {
  const res = await call(path, { token, body });
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(201);
  return json<T>(res);
}

export async function foreignContent(other: TestTenant): Promise<ForeignContent> {
  const token = other.ownerKey;
  const template = await made(token, "/v1/templates", {
    name: "Theirs",
    template_type: "social_post",
    platform: "linkedin",
    structure: { layout: "hero" },
  });
  const configuration = await made(token, "/v1/post-configurations", { name: "Theirs", platforms: ["linkedin"] });
  const knowledge = await made(token, "/v1/knowledge", {
    title: "Their secret tone",
    entry_type: "guideline",
    content: "Never say cheap.",
    embedding: embedding(),
  });
  const skill = await made<{ id: string; active_version: { id: string } }>(token, "/v1/skills", {
    name: "Their private layout",
    task: "social_image_post",
    platform: "linkedin",
    modality: "image+text",
    version: { prompt_fragments: { system: "theirs" }, embedding: embedding(1024) },
  });
  const content = await made(token, "/v1/content", {
    intent_spec: { goal: "theirs" },
    content_type: "text",
    text_content: "Their post",
    skill_id: skill.id,
    template_id: template.id,
  });
  return {
    templateId: template.id,
    configurationId: configuration.id,
    knowledgeId: knowledge.id,
    contentId: content.id,
    skillId: skill.id,
    skillVersionId: skill.active_version.id,
  };
}
