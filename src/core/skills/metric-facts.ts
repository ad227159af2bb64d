// One row per generated candidate that used a skill: the facts the daily metrics are
// made of, read page by page from a tenant database. Guard results and revision events
// are folded in per candidate: it passed if the latest result of every guard passed
// (or, with no guard results recorded, if its own counters say so), and it was a
// defect if any revision classified it as one.
import { residentOnly } from "../db/tenant-databases";

export interface Fact {
  contentId: string;
  tenantId: string;
  skillId: string;
  versionId: string | null;
  task: string | null;
  platform: string | null;
  modality: string | null;
  cost: number | null;
  latencyMs: number | null;
  selected: number;
  approved: number;
  passed: number;
  defect: number;
  createdAt: string;
}

export interface FactQuery {
  /** Inclusive lower bound of created_at (ISO 8601). */
  from: string;
  /** Exclusive upper bound of created_at. */
  to: string;
  tenantId?: string;
  skillId?: string;
}

const PAGE = 500;

// Only rows of tenants resident in the shard read: a tenant being moved has its rows
// in two shards for a while, and must count once.
const FACTS_SQL = `
  SELECT c.content_id AS contentId, c.tenant_id AS tenantId, c.skill_id AS skillId, c.skill_version_id AS versionId,
         json_extract(c.intent_spec, '$.task') AS task,
         json_extract(c.intent_spec, '$.platform') AS platform,
         json_extract(c.intent_spec, '$.modality') AS modality,
         c.cost AS cost, c.generation_time_ms AS latencyMs,
         c.user_selected AS selected, c.user_approved AS approved,
         CASE WHEN EXISTS (SELECT 1 FROM guard_results g WHERE g.content_id = c.content_id)
           THEN NOT EXISTS (
             SELECT 1 FROM guard_results g
             WHERE g.content_id = c.content_id AND g.pass = 0
               AND NOT EXISTS (
                 SELECT 1 FROM guard_results n
                 WHERE n.content_id = g.content_id AND n.guard_id = g.guard_id
                   AND (n.created_at, n.result_id) > (g.created_at, g.result_id)))
           ELSE COALESCE(c.guards_failed = 0 AND c.guards_passed > 0, 0)
         END AS passed,
         EXISTS (
           SELECT 1 FROM revision_events r
           WHERE r.content_id = c.content_id AND r.tenant_id = c.tenant_id AND r.classification = 'defect'
         ) AS defect,
         c.created_at AS createdAt
  FROM generated_content c
  WHERE c.skill_id IS NOT NULL AND c.created_at >= ?1 AND c.created_at < ?2
    AND ${residentOnly("c")}
    AND (?3 IS NULL OR c.tenant_id = ?3)
    AND (?4 IS NULL OR c.skill_id = ?4)
    AND (?5 IS NULL OR (c.created_at, c.content_id) > (?5, ?6))
  ORDER BY c.created_at, c.content_id
  LIMIT ?7`;

/** Every fact matching `query` in `db`, a page at a time (bounded memory per query). */
export async function* readFacts(db: D1Database, query: FactQuery): AsyncGenerator<Fact> {
  let after = null as { createdAt: string; contentId: string } | null;
  for (;;) {
    const { results }: D1Result<Fact> = await db
      .prepare(FACTS_SQL)
      .bind(
        query.from,
        query.to,
        query.tenantId ?? null,
        query.skillId ?? null,
        after?.createdAt ?? null,
        after?.contentId ?? null,
        PAGE,
      )
      .all<Fact>();
    yield* results;
    const last: Fact | undefined = results.at(-1);
    if (!last || results.length < PAGE) return;
    after = { createdAt: last.createdAt, contentId: last.contentId };
  }
}
