// What the TenantObject's campaign ledger is rebuilt from (objects/analytics/
// campaign-rebuild.ts): each campaign post of a window with its reach (post_analytics),
// its visits (page-view conversions) and each model's credit and revenue
// (conversion_attributions × the conversion's value), one row per post: the approved
// schema's ROI-by-campaign query without its fan-out (joined in one query, a post's
// reach counts once per conversion), summed per post instead of per campaign.
//
// Which conversions it counts is fixed first: those recorded within the last
// `recentMs` are listed (ids are ULIDs, ordered by creation time), and every credit
// below counts an older conversion (committed long since) or one of that list. A
// conversion D1 commits after the list was read is not counted here; its credit call,
// which comes after its commit, is applied on top of the rebuild. None is counted
// twice or lost (objects/analytics/campaign-rebuild.ts).
//
// The posts are read in one batch, one platform and one month a statement, each
// seeking its slice of idx_posts_tenant_platform_date, so no answer is larger than a
// month of one platform's campaign posts. Then each post's analytics row, page views and credit by
// the post's key (CROSS JOIN keeps that order).
import { encodeTime } from "ulid";
import { ATTRIBUTION_MODELS } from "../../analytics/attribution";
import { PLATFORMS } from "../../platforms/types";
import { ID_PREFIXES } from "../ids";
import type { TenantScope } from "../tenant-scope";
import { iso } from "../time";

const SLICE_MS = 30 * 86_400_000;

export interface CampaignPostRow {
  post_id: string;
  campaign_id: string;
  published_at: string;
  impressions: number;
  clicks: number;
  page_views: number;
  [credit: `conv_${string}` | `rev_${string}`]: number;
}

export interface CampaignSnapshot {
  posts: (Omit<CampaignPostRow, "published_at"> & { published_at_ms: number })[];
  /** The conversions recorded within `recentMs` that the credits include. */
  recentConversionIds: string[];
  /** D1's rows read by the batch. */
  rowsRead: number;
}

/** The lowest conversion id created at or after `ms`. */
function firstConversionIdAt(ms: number): string {
  return `${ID_PREFIXES.conversion}_${encodeTime(ms, 10)}${"0".repeat(16)}`;
}

const CREDIT = ATTRIBUTION_MODELS.flatMap((model) => [
  `SUM(CASE WHEN ca.model = '${model}' THEN ca.weight END) AS conv_${model}`,
  `SUM(CASE WHEN ca.model = '${model}' THEN ca.weight * c.value END) AS rev_${model}`,
]);
const CREDIT_OUT = ATTRIBUTION_MODELS.flatMap((model) => [
  `COALESCE(cr.conv_${model}, 0.0) AS conv_${model}`,
  `COALESCE(cr.rev_${model}, 0.0) AS rev_${model}`,
]);

/**
 * ?1 tenant, ?2 platform, ?3 and ?4 the slice, ?5 the first recent id, ?6 the recent ids (JSON).
 * Every row beyond the slice's posts is reached by its post's key (idx_post_analytics_post,
 * idx_conversions_post, idx_conversion_attributions_post) or its conversion's key; `+`
 * on the tenant and on the conversion ids keeps SQLite from a tenant's index or a range of
 * every conversion instead. Without statistics it had chosen such plans: 172,749,483 rows
 * read for 20,015 posts, where the keys read about ten a post.
 */
const SLICE_SQL = `WITH posts AS MATERIALIZED (
    SELECT post_id, campaign_id, published_at FROM published_posts
    WHERE tenant_id = ?1 AND platform = ?2 AND published_at >= ?3 AND published_at < ?4
      AND campaign_id IS NOT NULL
  ),
  counted AS MATERIALIZED (SELECT value AS conversion_id FROM json_each(?6)),
  visits AS (
    SELECT p.post_id, COUNT(*) AS page_views
    FROM posts p CROSS JOIN conversions c ON c.post_id = p.post_id AND +c.tenant_id = ?1
    WHERE +c.conversion_type = 'page_view'
      AND (+c.conversion_id < ?5 OR +c.conversion_id IN (SELECT conversion_id FROM counted))
    GROUP BY p.post_id
  ),
  credit AS (
    SELECT p.post_id, ${CREDIT.join(", ")}
    FROM posts p
    CROSS JOIN conversion_attributions ca ON ca.post_id = p.post_id AND +ca.tenant_id = ?1
    CROSS JOIN conversions c ON c.conversion_id = ca.conversion_id AND +c.tenant_id = ?1
    WHERE +ca.conversion_id < ?5 OR +ca.conversion_id IN (SELECT conversion_id FROM counted)
    GROUP BY p.post_id
  )
  SELECT p.post_id, p.campaign_id, p.published_at,
         COALESCE(pa.impressions, 0) AS impressions, COALESCE(pa.clicks, 0) AS clicks,
         COALESCE(v.page_views, 0) AS page_views, ${CREDIT_OUT.join(", ")}
  FROM posts p
  LEFT JOIN post_analytics pa ON pa.post_id = p.post_id AND +pa.tenant_id = ?1
  LEFT JOIN visits v ON v.post_id = p.post_id
  LEFT JOIN credit cr ON cr.post_id = p.post_id`;

/** The tenant's campaign posts published at or after `sinceMs` (up to `nowMs`), with what they brought. */
export async function readCampaignSnapshot(
  scope: TenantScope,
  options: { sinceMs: number; nowMs: number; recentMs: number },
): Promise<CampaignSnapshot> {
  const firstRecent = firstConversionIdAt(options.nowMs - options.recentMs);
  const recent = scope.db
    .prepare("SELECT conversion_id FROM conversions WHERE tenant_id = ? AND conversion_id >= ?")
    .bind(scope.tenantId, firstRecent);
  const slices: [string, string][] = [];
  // A day past now covers a clock a little ahead of this one.
  for (let from = options.sinceMs; from < options.nowMs + 86_400_000; from += SLICE_MS) {
    slices.push([new Date(from).toISOString(), new Date(from + SLICE_MS).toISOString()]);
  }
  const listed = await recent.all<{ conversion_id: string }>();
  const recentConversionIds = listed.results.map((row) => row.conversion_id);
  const counted = JSON.stringify(recentConversionIds);
  const results = await scope.db.batch<CampaignPostRow>(
    PLATFORMS.flatMap((platform) =>
      slices.map(([from, to]) =>
        scope.db.prepare(SLICE_SQL).bind(scope.tenantId, platform, from, to, firstRecent, counted),
      ),
    ),
  );
  const rowsRead = results.reduce((sum, result) => sum + (result.meta.rows_read ?? 0), listed.meta.rows_read ?? 0);
  const posts = results.flatMap((result) =>
    result.results.map(({ published_at, ...row }) => ({
      ...row,
      published_at_ms: Date.parse(iso(published_at)),
    })),
  );
  return { posts, recentConversionIds, rowsRead };
}

/**
 * What one tenant's rebuild may read (its budget; the rebuild runs once a day per
 * tenant, so a run is a tenant): 12 rows a campaign post of the window (its index entry
 * and row, its analytics row, its page views and credit by the post's key: about 10
 * measured), 4 a credit row (the row and its conversion by key), 50 a statement (one per
 * platform and 30 days) and 100 for the recent conversions' list. Held without the
 * planner's statistics too (test/db/bounded-reads.test.ts, bench:scale).
 */
export function READ_BUDGET_OF_REBUILD(of: { campaignPosts: number; creditRows: number; days: number }): number {
  const statements = PLATFORMS.length * Math.ceil((of.days + 1) / (SLICE_MS / 86_400_000));
  return 12 * of.campaignPosts + 4 * of.creditRows + 50 * statements + 100;
}
