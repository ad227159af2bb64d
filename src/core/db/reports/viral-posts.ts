// The approved schema's "Detect Viral Posts" query: the tenant's posts whose viral coefficient
// (reach / followers) is at least 1, published in a window, most viral first.
// Unlike the seed's query it binds its cutoff as an ISO timestamp (published_at is
// ISO 8601 with a "T", which does not compare correctly with datetime()'s
// "YYYY-MM-DD HH:MM:SS" on the cutoff's own day), joins analytics within the tenant,
// leaves out deleted and failed posts, and pages by (coefficient, id) instead of
// stopping at 10.
import type { Platform } from "../../platforms/types";
import { chunk } from "../chunk";
import { orderedMerge } from "../ordered-merge";
import type { TenantScope } from "../tenant-scope";

/** The seed's threshold: a post reached at least as many people as follow the account. */
export const VIRAL_THRESHOLD = 1.0;

export interface ViralPostRow {
  post_id: string;
  platform: Platform;
  text: string;
  published_at: string;
  viral_coefficient: number;
  engagement_rate: number | null;
  reach: number;
  impressions: number;
}

export interface ViralCursor {
  coefficient: number;
  id: string;
}

/**
 * idx_post_analytics_viral's buckets: ten days (unixepoch() / 864000). A window is one
 * SELECT per bucket (each costs a read or two whether or not it holds a viral post:
 * about 40 for a year), and the first bucket may hold rows made before the window
 * (passed over, a read each: at most ten days' viral posts). Ten days keeps both well
 * within the read bound (2 × rows returned + 100) for a page of any window up to the API's 365 days.
 */
const BUCKET_SECONDS = 864_000;

function bucketOf(ms: number): number {
  return Math.floor(ms / 1000 / BUCKET_SECONDS);
}

type Candidate = Pick<ViralPostRow, "post_id" | "viral_coefficient" | "engagement_rate"> & {
  reach: number | null;
  impressions: number | null;
};

/**
 * The tenant's analytics rows at or above the threshold made in the window, most viral
 * first, from idx_post_analytics_viral (migration 0013), which buckets them by the ten
 * days the row was made in and orders each bucket by coefficient. A window is a merge of
 * its buckets (orderedMerge: rows taken from each only as the page needs them), so this
 * reads about the rows it returns plus one or two per bucket, however much of the
 * tenant's history the window covers. The literal `viral_coefficient >= 1.0` is the index's
 * own condition (SQLite uses a partial index only for a query that repeats it).
 *
 * Each bucket's SELECT lists bare columns: SQLite flattens a nested group of the merge
 * into the compound around it only when its select list is plain columns. With an
 * expression there (COALESCE(reach, 0)) a group becomes a co-routine sorted in a temp
 * B-tree, reading every row of its buckets, and how many groups there are, and which
 * buckets they hold, depends on where today falls: the report's cost then changed with
 * the date. Missing figures are made 0 in code instead.
 *
 * A row is made with its post (the publish outbox) or later (a flush), never before
 * the post was published, so rows made before the window's first day cannot be in it
 * and no bucket before the one of `since` is read.
 *
 * One platform's report reads idx_post_analytics_viral_platform (migration 0018), the
 * same buckets with the platform first, named with INDEXED BY: both partial indexes can
 * serve its statement, and only that one holds no other platform's rows.
 */
async function candidates(
  scope: TenantScope,
  options: { since: string; platform?: Platform; after?: ViralCursor; nowMs: number },
  count: number,
): Promise<Candidate[]> {
  const buckets: number[] = [];
  // To the bucket after now's: a row made by a clock slightly ahead of this one.
  for (let b = bucketOf(Date.parse(options.since)); b <= bucketOf(options.nowMs) + 1; b++) buckets.push(b);
  const conditions = [
    "pa.tenant_id = ?1 AND pa.viral_coefficient >= 1.0 AND pa.viral_coefficient >= ?2",
    "pa.created_at >= substr(?3, 1, 10)",
    ...(options.after ? ["pa.viral_coefficient <= ?4 AND (pa.viral_coefficient < ?4 OR pa.post_id > ?5)"] : []),
    ...(options.platform ? ["pa.platform = ?6"] : []),
  ].join(" AND ");
  const index = options.platform ? " INDEXED BY idx_post_analytics_viral_platform" : "";
  const bucket = (i: number) =>
    `SELECT pa.post_id, pa.viral_coefficient, pa.engagement_rate, pa.reach, pa.impressions
     FROM post_analytics pa${index} WHERE unixepoch(pa.created_at) / ${BUCKET_SECONDS} = ?${i + 8} AND ${conditions}`;
  const { results } = await scope.db
    .prepare(
      orderedMerge(
        buckets.map((_, i) => bucket(i)),
        "viral_coefficient DESC, post_id",
        "?7",
      ),
    )
    .bind(
      scope.tenantId,
      VIRAL_THRESHOLD,
      options.since,
      options.after?.coefficient ?? null,
      options.after?.id ?? null,
      options.platform ?? null,
      count,
      ...buckets,
    )
    .all<Candidate>();
  return results;
}

/**
 * The posts of `ids`, one seek each by the post's key (a bound IN list of at most 90:
 * json_each would read each id as a row too).
 */
async function postsOf(scope: TenantScope, ids: string[]) {
  type Post = Pick<ViralPostRow, "post_id" | "platform" | "text" | "published_at"> & { status: string };
  const found = new Map<string, Post>();
  for (const part of chunk(ids, 90)) {
    const { results } = await scope.db
      .prepare(
        `SELECT post_id, platform, text, published_at, status FROM published_posts
         WHERE post_id IN (${part.map(() => "?").join(", ")}) AND tenant_id = ?`,
      )
      .bind(...part, scope.tenantId)
      .all<Post>();
    for (const row of results) found.set(row.post_id, row);
  }
  return found;
}

/**
 * A page of viral posts: candidates in order from the index, then their posts by key,
 * keeping those published in the window (and of the platform asked for). A candidate
 * whose post does not qualify (deleted, or its row made in the window for a post
 * published before it) is passed over and the next ones read, so every page is full
 * while posts remain.
 */
export async function viralPosts(
  scope: TenantScope,
  options: { since: string; platform?: Platform; after?: ViralCursor; limit: number; nowMs: number },
): Promise<{ rows: ViralPostRow[]; hasMore: boolean }> {
  const wanted = options.limit + 1;
  const rows: ViralPostRow[] = [];
  let after = options.after;
  while (rows.length < wanted) {
    const count = wanted - rows.length;
    const found = await candidates(scope, { ...options, after }, count);
    const posts = await postsOf(
      scope,
      found.map((c) => c.post_id),
    );
    for (const candidate of found) {
      const post = posts.get(candidate.post_id);
      if (post?.status !== "published" || post.published_at < options.since) continue;
      if (options.platform && post.platform !== options.platform) continue;
      const { status: _status, ...fields } = post;
      rows.push({ ...fields, ...candidate, reach: candidate.reach ?? 0, impressions: candidate.impressions ?? 0 });
    }
    const last = found.at(-1);
    if (found.length < count || !last) break;
    after = { coefficient: last.viral_coefficient, id: last.post_id };
  }
  return { rows: rows.slice(0, options.limit), hasMore: rows.length > options.limit };
}
