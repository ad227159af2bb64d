// What a post configuration's quality gates ask of the generated content a post names
// (docs/publishing.md, Post configurations and best times): its brand-voice score, and
// whether its latest guard results passed. The latest result of each guard counts, as
// in the content's guard summary (guard-results.ts, refreshGuardSummary): a guard run
// again after an auto-fix counts with its newest verdict.
import { parseJson } from "./json-column";
import type { TenantScope } from "./tenant-scope";

export interface ContentGateFacts {
  brandVoiceScore: number | null;
  /** Guards whose latest result failed. */
  failingGuards: string[];
  /** Whether the content has guard results, or a generator's summary of them. */
  guarded: boolean;
  /** The latest results all passed (or, with none recorded, the generator's summary says none failed). */
  guardsPassed: boolean;
}

interface GateRow {
  brand_voice_score: number | null;
  guards_passed: number | null;
  guards_failed: number | null;
  results: number;
  failing: string | null;
}

/** The gate facts of the tenant's content `contentId`; null when the tenant has no such content. */
export async function contentGateFacts(scope: TenantScope, contentId: string): Promise<ContentGateFacts | null> {
  const row = await scope.db
    .prepare(
      `SELECT c.brand_voice_score, c.guards_passed, c.guards_failed,
         (SELECT COUNT(*) FROM guard_results WHERE content_id = ?2) AS results,
         (SELECT json_group_array(guard_id) FROM (
            SELECT guard_id, pass,
              ROW_NUMBER() OVER (PARTITION BY guard_id ORDER BY created_at DESC, result_id DESC) AS n
            FROM guard_results WHERE content_id = ?2)
          WHERE n = 1 AND pass = 0) AS failing
       FROM generated_content c WHERE c.tenant_id = ?1 AND c.content_id = ?2`,
    )
    .bind(scope.tenantId, contentId)
    .first<GateRow>();
  if (!row) return null;
  const failingGuards = parseJson<string[]>(row.failing, []);
  if (row.results > 0) {
    return {
      brandVoiceScore: row.brand_voice_score,
      failingGuards,
      guarded: true,
      guardsPassed: failingGuards.length === 0,
    };
  }
  // No results recorded: the summary the generator gave with the content, if any.
  const guarded = (row.guards_passed ?? 0) + (row.guards_failed ?? 0) > 0;
  return {
    brandVoiceScore: row.brand_voice_score,
    failingGuards,
    guarded,
    guardsPassed: guarded && (row.guards_failed ?? 0) === 0,
  };
}
