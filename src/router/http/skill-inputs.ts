// A skill request's body as the statements of src/core/skills/skill-writes.ts take it:
// the API's field names mapped to the inputs, an embedding encoded as stored bytes.
import type { NewSkillInput, VersionInput } from "../../core/skills/skill-writes";
import { vectorToBytes } from "../../core/vector/codec";
import type { CreateSkillValue, VersionBodyValue } from "./skill-schemas";

export function versionInput(body: VersionBodyValue): VersionInput {
  return {
    promptFragments: body.prompt_fragments,
    constraints: body.constraints,
    toolchain: body.toolchain,
    guards: body.guards,
    notes: body.notes ?? null,
    embedding: body.embedding ? vectorToBytes(body.embedding) : null,
    tags: body.tags ?? null,
  };
}

/** A new skill, as a create request (tenant or operator) describes it, with `visibility`. */
export function newSkillInput(body: CreateSkillValue, visibility: string): NewSkillInput {
  return {
    name: body.name,
    task: body.task,
    platform: body.platform,
    modality: body.modality,
    visibility,
    parentSkillId: null,
    version: versionInput(body.version),
  };
}
