// Request and response pieces shared by the skills routes (tenant and operator).
import { z } from "@hono/zod-openapi";
import { SKILL_STATUSES, SKILL_TIERS } from "../../core/skills/lifecycle";
import { VECTOR_INDEXES } from "../../core/vector/indexes";
import { labelList, PlatformField, Timestamp } from "./content-schemas";
import { jsonObject } from "./json-field";
import { plainText } from "./text-field";
import { vectorField } from "./vector-field";

export const SkillSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    task: z.string(),
    platform: PlatformField,
    modality: z.string(),
    visibility: z.enum(["global", "private"]),
    parent_skill_id: z.string().nullable(),
    status: z.enum(SKILL_STATUSES),
    tier: z.enum(SKILL_TIERS),
    active_version: z.object({ id: z.string(), version_number: z.number().int() }).nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Skill");

export const SkillVersionSchema = z
  .object({
    id: z.string(),
    skill_id: z.string(),
    version_number: z.number().int(),
    prompt_fragments: z.record(z.string(), z.unknown()),
    constraints: z.record(z.string(), z.unknown()),
    toolchain: z.record(z.string(), z.unknown()),
    guards: z.array(z.string()),
    notes: z.string().nullable(),
    is_active: z.boolean(),
    has_embedding: z.boolean(),
    created_at: Timestamp,
  })
  .openapi("SkillVersion");

/** A slug: "social_image_post", "image+text". */
const Slug = z.string().regex(/^[a-z0-9][a-z0-9_+.-]{0,63}$/, "lower-case letters, digits and _ + . -");

export const SkillFields = {
  name: plainText(1, 200),
  task: Slug.openapi({ example: "social_image_post" }),
  platform: PlatformField,
  modality: Slug.openapi({ example: "image+text" }),
};

export const VersionBody = z
  .object({
    prompt_fragments: jsonObject(32_768, { system: "…", user_template: "…" }),
    constraints: jsonObject(16_384, { min_font_pt: 22, safe_margin_px: 32 }).default({}),
    toolchain: jsonObject(8192, { image_model: "gemini-2.5", text_model: "claude-sonnet-4.5" }).default({}),
    guards: labelList(30)
      .default([])
      .openapi({ example: ["contrast", "safe_margin", "logo_protection"] }),
    notes: z.string().trim().min(1).max(1000).optional(),
    embedding: vectorField(VECTOR_INDEXES.skills)
      .optional()
      .openapi({ description: "1024-dimension embedding (voyage-3-lite); the active version's is searchable" }),
    tags: labelList(20)
      .optional()
      .openapi({ example: ["product_focus", "minimalist"] }),
  })
  .strict()
  .openapi("SkillVersionDefinition");

export type VersionBodyValue = z.infer<typeof VersionBody>;

export const CreateSkillBody = z
  .object({ ...SkillFields, version: VersionBody })
  .strict()
  .openapi("CreateSkill");
export type CreateSkillValue = z.infer<typeof CreateSkillBody>;

export const ReasonField = plainText(3, 500);
