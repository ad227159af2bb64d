// ROI by campaign as running totals in the TenantObject, per campaign: kept here because
// they beat any index. In D1 the
// report summed every campaign post of its window: 193,759 rows read for 24 campaigns
// on the benchmark's big tenant, and no index spares that. Here a report reads one
// row per campaign of its window, plus the few posts that left the window since the
// last report.
//
// What is kept (object migration 13):
// - campaign_posts: each campaign post of the last 365 days with its reach (from the
//   live counters), visits and credited conversions and revenue under every model;
// - campaign_totals: per fixed window (7, 30, 90, 365 days) and campaign, the sums of
//   its posts published at or after the window's cutoff (campaign_windows).
//
// Every change to a post adds its difference to each window that holds the post, in
// the same synchronous step as the post's row, so the two never disagree. The window
// moves with time: ageing subtracts the posts published between the old cutoff and
// now − window, all four windows at once (campaign_posts keeps a post until the
// longest window lets it go).
//
// Where the figures come from: a published post (publishing/record.ts → startCounting), its
// counters (every apply of events or insight pulls), and conversions, which the
// router records in D1 and then credits here (POST /v1/conversions). That last one
// spans two databases: D1 first, then the ledger; a credit lost between them is
// repaired by the daily rebuild from D1 (campaign-rebuild.ts), which runs beside
// live credits without counting any of them twice.
import { ATTRIBUTION_MODELS, type AttributionModel } from "../../src/core/analytics/attribution";
import type {
  CampaignRoiPage,
  CampaignRoiQuery,
  CampaignRoiRow,
  CampaignSums,
  ConversionCredit,
} from "../../src/core/analytics/campaign-types";
import { ROI_WINDOWS } from "../../src/core/analytics/roi-windows";
import { chunk } from "../../src/core/db/chunk";

export const DAY_MS = 86_400_000;
export const LONGEST_WINDOW = Math.max(...ROI_WINDOWS);
/**
 * The ledger's timer ages the windows when this many posts will have left one, so a
 * report finds at most about this many per window to age (each read once, with a row
 * per campaign it leaves): within the read bound of 2 × rows returned + 100.
 */
export const AGEING_POSTS = 5;

/**
 * What ageing a whole day at once may read (its budget, for when the timer did not run):
 * each campaign post leaving each window, read with its campaign's totals (three rows a
 * post and window), two rows a campaign of the report, and 100 for the windows
 * themselves. `postsPerDay`: the tenant's campaign posts a day.
 */
export function ageingReadBudget(postsPerDay: number, campaigns: number): number {
  return Math.ceil(3 * ROI_WINDOWS.length * postsPerDay) + 2 * campaigns + 100;
}

/** The summed figures of a post or a campaign, beside its count of posts. */
export const FIGURES = [
  "impressions",
  "clicks",
  "page_views",
  ...ATTRIBUTION_MODELS.flatMap((model) => [`conv_${model}` as const, `rev_${model}` as const]),
] as const;
export type Figure = (typeof FIGURES)[number];
export type Figures = Record<Figure, number>;

/** A post as the ledger keeps it. */
export interface LedgerPost extends Figures {
  post_id: string;
  campaign_id: string;
  published_at_ms: number;
}

/** A campaign post as it is published. */
export interface PublishedCampaignPost {
  postId: string;
  campaignId: string;
  publishedAtMs: number;
}

/** What arrived while a rebuild read D1: the conversions credited meanwhile. */
export interface Arrivals {
  credits: ConversionCredit[];
}

/** What a change to a kept post needs of its row. */
interface KeptPost {
  post_id: string;
  campaign_id: string;
  published_at_ms: number;
  impressions: number;
  clicks: number;
}

const SUMMED = ["posts", ...FIGURES] as const;
type Delta = Partial<Record<(typeof SUMMED)[number], number>>;

/** Credited figures are fractions of conversions; below a nano-dollar they are noise of the sums. */
function tidy(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

export class CampaignLedger {
  /** Rows the ledger's statements read since the count was last taken. */
  private rowsRead = 0;
  /** While a rebuild reads D1: what arrived meanwhile, to be carried into its result. */
  private arrivals: Arrivals | null = null;

  constructor(private readonly sql: SqlStorage) {}

  private exec<T extends Record<string, SqlStorageValue>>(query: string, ...params: unknown[]): T[] {
    const cursor = this.sql.exec<T>(query, ...params);
    const rows = cursor.toArray();
    this.rowsRead += cursor.rowsRead;
    return rows;
  }

  /** Collects what arrives from now on (a rebuild began); null ends it and hands it over. */
  collectArrivals(on: boolean): Arrivals | null {
    const collected = this.arrivals;
    this.arrivals = on ? { credits: [] } : null;
    return collected;
  }

  cutoffs(): Map<number, number> {
    const rows = this.exec<{ window_days: number; cutoff_ms: number }>(
      "SELECT window_days, cutoff_ms FROM campaign_windows",
    );
    return new Map(rows.map((row) => [row.window_days, row.cutoff_ms]));
  }

  /** Adds `delta` to every window that holds a post published at `publishedAtMs`. */
  private addToWindows(campaignId: string, publishedAtMs: number, delta: Delta): void {
    this.exec(
      `INSERT INTO campaign_totals (window_days, campaign_id, ${SUMMED.join(", ")})
       SELECT window_days, ?, ${SUMMED.map(() => "?").join(", ")} FROM campaign_windows WHERE cutoff_ms <= ?
       ON CONFLICT (window_days, campaign_id) DO UPDATE SET ${SUMMED.map((c) => `${c} = ${c} + excluded.${c}`).join(", ")}`,
      campaignId,
      ...SUMMED.map((column) => delta[column] ?? 0),
      publishedAtMs,
    );
  }

  /** A campaign post was published (idempotent); false when it was already kept. */
  publish(post: PublishedCampaignPost, nowMs: number): boolean {
    if (post.publishedAtMs < nowMs - LONGEST_WINDOW * DAY_MS) return false;
    const added = this.exec(
      `INSERT INTO campaign_posts (post_id, campaign_id, published_at_ms) VALUES (?, ?, ?)
       ON CONFLICT (post_id) DO NOTHING RETURNING post_id`,
      post.postId,
      post.campaignId,
      post.publishedAtMs,
    );
    if (added.length === 0) return false;
    this.addToWindows(post.campaignId, post.publishedAtMs, { posts: 1 });
    return true;
  }

  /**
   * Adds to each kept post among `postIds` the delta `deltaOf` makes from its row, and
   * to its campaign's windows; posts the ledger does not keep are skipped.
   */
  private addToPosts(postIds: Iterable<string>, deltaOf: (post: KeptPost) => Delta): void {
    for (const part of chunk([...postIds], 90)) {
      const kept = this.exec<KeptPost & Record<string, SqlStorageValue>>(
        `SELECT post_id, campaign_id, published_at_ms, impressions, clicks FROM campaign_posts
         WHERE post_id IN (${part.map(() => "?").join(", ")})`,
        ...part,
      );
      for (const post of kept) {
        const delta = deltaOf(post);
        const columns = FIGURES.filter((column) => (delta[column] ?? 0) !== 0);
        if (columns.length === 0) continue;
        this.exec(
          `UPDATE campaign_posts SET ${columns.map((c) => `${c} = ${c} + ?`).join(", ")} WHERE post_id = ?`,
          ...columns.map((column) => delta[column]),
          post.post_id,
        );
        this.addToWindows(post.campaign_id, post.published_at_ms, delta);
      }
    }
  }

  /** Counters changed: the campaign posts among them take their new impressions and clicks. */
  reach(rows: readonly { post_id: string; impressions: number; clicks: number }[]): void {
    const now = new Map(rows.map((row) => [row.post_id, row]));
    this.addToPosts(now.keys(), (before) => {
      const after = now.get(before.post_id) as { impressions: number; clicks: number };
      return { impressions: after.impressions - before.impressions, clicks: after.clicks - before.clicks };
    });
  }

  /** A conversion D1 has recorded: its visit and each touch's credit, once per conversion. */
  credit(conversion: ConversionCredit, nowMs: number): boolean {
    const fresh = this.exec(
      `INSERT INTO campaign_conversions (conversion_id, at_ms) VALUES (?, ?)
       ON CONFLICT (conversion_id) DO NOTHING RETURNING conversion_id`,
      conversion.conversionId,
      nowMs,
    );
    if (fresh.length === 0) return false;
    this.arrivals?.credits.push(conversion);
    const deltas = new Map<string, Delta>();
    const deltaOf = (postId: string): Delta => {
      const delta = deltas.get(postId) ?? {};
      deltas.set(postId, delta);
      return delta;
    };
    if (conversion.type === "page_view") deltaOf(conversion.postId).page_views = 1;
    for (const touch of conversion.touches) {
      const delta = deltaOf(touch.postId);
      const conv = `conv_${touch.model}` as const;
      const rev = `rev_${touch.model}` as const;
      delta[conv] = (delta[conv] ?? 0) + touch.weight;
      delta[rev] = (delta[rev] ?? 0) + touch.weight * conversion.value;
    }
    this.addToPosts(deltas.keys(), (post) => deltas.get(post.post_id) as Delta);
    return true;
  }

  /**
   * Moves every window's cutoff to now − its length: the posts published in between
   * leave its totals (a campaign with none left leaves it), and posts older than the
   * longest window leave the ledger. Reads the posts that left, and a row per
   * campaign they leave.
   */
  age(nowMs: number): void {
    let longest: number | null = null;
    for (const [windowDays, from] of this.cutoffs()) {
      const to = nowMs - windowDays * DAY_MS;
      if (windowDays === LONGEST_WINDOW) longest = Math.max(from, to);
      if (to <= from) continue;
      const left = this.exec<{ campaign_id: string; posts: number }>(
        `INSERT INTO campaign_totals (window_days, campaign_id, ${SUMMED.join(", ")})
         SELECT ?, campaign_id, -COUNT(*), ${FIGURES.map((c) => `-SUM(${c})`).join(", ")}
         FROM campaign_posts WHERE published_at_ms >= ? AND published_at_ms < ? GROUP BY campaign_id
         ON CONFLICT (window_days, campaign_id) DO UPDATE SET ${SUMMED.map((c) => `${c} = ${c} + excluded.${c}`).join(", ")}
         RETURNING campaign_id, posts`,
        windowDays,
        from,
        to,
      );
      for (const campaign of left.filter((row) => row.posts <= 0)) {
        this.exec(
          "DELETE FROM campaign_totals WHERE window_days = ? AND campaign_id = ?",
          windowDays,
          campaign.campaign_id,
        );
      }
      this.exec("UPDATE campaign_windows SET cutoff_ms = ? WHERE window_days = ?", to, windowDays);
    }
    if (longest !== null) this.exec("DELETE FROM campaign_posts WHERE published_at_ms < ?", longest);
  }

  /** Credited conversions are remembered two hours: longer than any credit call takes. */
  forgetCredited(nowMs: number): void {
    this.exec("DELETE FROM campaign_conversions WHERE at_ms < ?", nowMs - 2 * 3_600_000);
  }

  /**
   * When the ageing timer should next run: when about `posts` more posts will have
   * left some window (null: none kept). Reports age the windows themselves; the timer
   * keeps what a report finds to age small, however fast a tenant publishes.
   */
  nextAgeingMs(posts: number): number | null {
    let next: number | null = null;
    for (const [windowDays, from] of this.cutoffs()) {
      const rows = this.exec<{ published_at_ms: number }>(
        "SELECT published_at_ms FROM campaign_posts WHERE published_at_ms >= ? ORDER BY published_at_ms LIMIT ?",
        from,
        posts,
      );
      // The `posts`-th to leave; with fewer left, the first of them.
      const leaving = rows.length === posts ? rows.at(-1) : rows[0];
      if (!leaving) continue;
      const at = leaving.published_at_ms + windowDays * DAY_MS;
      next = next === null ? at : Math.min(next, at);
    }
    return next;
  }

  /** A page of the window's campaigns, best ROI first, after ageing the windows to now. */
  report(query: CampaignRoiQuery, nowMs: number): CampaignRoiPage {
    this.rowsRead = 0;
    this.age(nowMs);
    const rows = this.exec<CampaignSums & Record<string, SqlStorageValue>>(
      `SELECT campaign_id, posts, impressions, clicks, page_views, ${creditColumns(query.model)}
       FROM campaign_totals WHERE window_days = ?`,
      query.window,
    );
    const campaigns: CampaignRoiRow[] = rows.map((row) => {
      const cost = row.posts * query.costPerPost;
      const revenue = tidy(row.revenue);
      return {
        campaign_id: row.campaign_id,
        posts: row.posts,
        impressions: row.impressions,
        clicks: row.clicks,
        page_views: row.page_views,
        conversions: tidy(row.conversions),
        revenue,
        cost,
        roi_percent: ((revenue - cost) * 100) / cost,
      };
    });
    campaigns.sort((a, b) => b.roi_percent - a.roi_percent || (a.campaign_id < b.campaign_id ? -1 : 1));
    const after = query.after;
    const rest = after
      ? campaigns.filter(
          (c) => c.roi_percent < after.roi || (c.roi_percent === after.roi && c.campaign_id > after.campaign),
        )
      : campaigns;
    return {
      rows: rest.slice(0, query.limit),
      hasMore: rest.length > query.limit,
      sinceMs: nowMs - query.window * DAY_MS,
      rowsRead: this.rowsRead,
    };
  }
}

function creditColumns(model: AttributionModel): string {
  return `conv_${model} AS conversions, rev_${model} AS revenue`;
}
