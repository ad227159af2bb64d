// The statements that change skills, shared by the tenant routes, the operator routes
// and the daily job. Skills, versions, embeddings and sharing events are global tables
// (the global database); callers add their audit row to the same batch, which is one
// transaction because a single D1 holds every table today.
import { newId } from "../db/ids";
import { expectChanges } from "../db/preconditions";
import { insertSharingEvent, type SharingAction } from "../db/sharing-events";
import { addVersion, insertEmbedding } from "../db/skill-versions";
import { insertSkill, moveSkill, type SkillRow } from "../db/skills";
import { GLOBAL, type SkillStatus, type SkillTier, tierFor } from "./lifecycle";

/** A version definition, with an embedding as stored bytes when there is one. */
export interface VersionInput {
  promptFragments: Record<string, unknown>;
  constraints: Record<string, unknown>;
  toolchain: Record<string, unknown>;
  guards: string[];
  notes: string | null;
  embedding: Uint8Array | null;
  tags: string[] | null;
}

/** A new version (numbered in SQL) and its embedding; an active one replaces the active version. */
export function versionStatements(
  db: D1Database,
  skillId: string,
  input: VersionInput,
  active: boolean,
  now: string,
): { versionId: string; statements: D1PreparedStatement[] } {
  const versionId = newId("skillVersion");
  const statements = addVersion(db, skillId, versionId, input, active, now);
  if (input.embedding) {
    statements.push(
      insertEmbedding(db, {
        embeddingId: newId("skillEmbedding"),
        skillId,
        versionId,
        vector: input.embedding,
        tags: input.tags,
        now,
      }),
    );
  }
  return { versionId, statements };
}

export interface NewSkillInput {
  name: string;
  task: string;
  platform: string;
  modality: string;
  visibility: string;
  parentSkillId: string | null;
  version: VersionInput;
}

/** A skill in testing (experimental) with its first version, active. */
export function newSkillStatements(db: D1Database, input: NewSkillInput, now: string) {
  const skillId = newId("skill");
  const skill = insertSkill(db, {
    skillId,
    name: input.name,
    task: input.task,
    platform: input.platform,
    modality: input.modality,
    visibility: input.visibility,
    parentSkillId: input.parentSkillId,
    status: "testing",
    tier: "experimental",
    now,
  });
  const version = versionStatements(db, skillId, input.version, true, now);
  return { skillId, versionId: version.versionId, statements: [skill, ...version.statements] };
}

export interface Move {
  to: SkillStatus;
  actor: string;
  tenantId: string | null;
  reason: string;
  /** A promotion to the global catalogue: the skill also becomes global. */
  promote?: boolean;
  metadata?: Record<string, unknown>;
}

/**
 * Moves the skill from the status it was read in (compare and set: after a concurrent
 * move the whole batch fails) and records a sharing event for a promotion or a
 * retirement.
 */
export function moveStatements(db: D1Database, skill: SkillRow, move: Move, now: string): D1PreparedStatement[] {
  const statements = [
    moveSkill(
      db,
      skill.skill_id,
      {
        from: skill.status,
        to: move.to,
        tier: tierFor(move.to, skill.tier as SkillTier),
        visibility: move.promote ? GLOBAL : undefined,
      },
      now,
    ),
    expectChanges(db, 1),
  ];
  const action: SharingAction | null = move.promote
    ? "promote_to_global"
    : move.to === "retired"
      ? "retire_skill"
      : null;
  if (action) {
    statements.push(
      insertSharingEvent(
        db,
        {
          action,
          actor: move.actor,
          tenantId: move.tenantId,
          skillId: skill.skill_id,
          reason: move.reason,
          metadata: { from_status: skill.status, to_status: move.to, ...move.metadata },
        },
        now,
      ),
    );
  }
  return statements;
}
