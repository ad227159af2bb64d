// The daily roll-up: every candidate of one UTC day that used a skill, from every
// tenant database, grouped by skill and context (task, platform, modality: the
// intent's when it names them, else the skill's), written to skill_metrics_daily.
//
// Each row is computed from scratch and written with absolute values (an upsert), so
// rolling up a day again writes the same rows: re-running the job changes nothing,
// and feedback that arrived late (a revision the next morning) is picked up by the
// next run over that day. Candidates are never deleted and never change skill or
// day, so a group that once had rows always has them: there is nothing to remove.
import { toHex, utf8 } from "../crypto/encoding";
import { chunk } from "../db/chunk";
import { type MetricsRow, upsertMetrics } from "../db/skill-metrics";
import { getActiveVersion } from "../db/skill-versions";
import { getSkill, type SkillRow } from "../db/skills";
import { tenantDatabases } from "../db/tenant-databases";
import { addDays, startOf } from "./calendar";
import { MetricsAccumulator } from "./metric-aggregate";
import { type Fact, readFacts } from "./metric-facts";

/** SHA-256 (hex) of the context, as the seed's context_hash. */
export async function contextHash(task: string, platform: string, modality: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", utf8(`${task}\u001f${platform}\u001f${modality}`));
  return toHex(new Uint8Array(digest));
}

interface Group {
  skillId: string;
  context: [string, string, string];
  metrics: MetricsAccumulator;
}

/** Rolls up `day` (YYYY-MM-DD); returns the rows written. */
export async function rollUpDay(env: Env, day: string): Promise<MetricsRow[]> {
  const skills = new Map<string, SkillRow | null>();
  const groups = new Map<string, Group>();
  const query = { from: startOf(day), to: startOf(addDays(day, 1)) };
  for (const db of tenantDatabases(env)) {
    for await (const fact of readFacts(db, query)) {
      const skill = await skillOf(env, skills, fact.skillId);
      const context = contextOf(fact, skill);
      const key = `${fact.skillId}\u0000${context.join("\u0000")}`;
      let group = groups.get(key);
      if (!group) {
        group = { skillId: fact.skillId, context, metrics: new MetricsAccumulator() };
        groups.set(key, group);
      }
      group.metrics.add(fact);
    }
  }
  const rows: MetricsRow[] = [];
  for (const group of groups.values()) {
    const versionId =
      group.metrics.dominantVersion() ?? (await getActiveVersion(env.DB, group.skillId))?.skill_version_id;
    // A candidate with a skill but no version, of a skill with no active version: no
    // row can name a version, and skill_metrics_daily requires one.
    if (!versionId) continue;
    rows.push({
      date: day,
      skill_id: group.skillId,
      skill_version_id: versionId,
      context_hash: await contextHash(...group.context),
      ...group.metrics.result(),
    });
  }
  for (const part of chunk(rows, 50)) await env.DB.batch(part.map((row) => upsertMetrics(env.DB, row)));
  return rows;
}

async function skillOf(env: Env, cache: Map<string, SkillRow | null>, skillId: string): Promise<SkillRow | null> {
  if (!cache.has(skillId)) cache.set(skillId, await getSkill(env.DB, skillId));
  return cache.get(skillId) ?? null;
}

function contextOf(fact: Fact, skill: SkillRow | null): [string, string, string] {
  return [
    fact.task ?? skill?.task ?? "",
    fact.platform ?? skill?.platform ?? "",
    fact.modality ?? skill?.modality ?? "",
  ];
}
