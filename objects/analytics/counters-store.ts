// Live counters per post in the TenantObject's SQLite (never only in memory): what
// the platforms and clients reported, applied exactly once per event, with a
// version per post so the flush knows what D1 has not seen yet.
import {
  countersFrom,
  engagements,
  METRIC_NAMES,
  type MetricColumns,
  VELOCITY_WINDOWS,
} from "../../src/core/analytics/post-metrics";
import { chunk } from "../../src/core/db/chunk";
import type { Platform } from "../../src/core/platforms/types";
import type { MetricEvent } from "../tenant-object/contract";
import { addGain, type SeriesGains } from "./engagement-series";

/** A post's row in post_counters. */
export interface CounterRow extends MetricColumns {
  post_id: string;
  platform: Platform;
  account_id: string;
  platform_post_id: string;
  published_at_ms: number;
  eng_1h: number;
  eng_24h: number;
  eng_7d: number;
  updated_at_ms: number;
  version: number;
  flushed_version: number;
  synced_at_ms: number | null;
  sync_count: number;
  flushed_sync_count: number;
  flushed_anomaly: number;
}

type Row = CounterRow & Record<string, SqlStorageValue>;

/** A published post, as counting starts. */
export interface TrackedPost {
  postId: string;
  platform: Platform;
  accountId: string;
  platformPostId: string;
  publishedAtMs: number;
  /** The campaign the post was published for (ROI by campaign, campaign-ledger.ts). */
  campaignId: string | null;
}

export class CountersStore {
  constructor(private readonly sql: SqlStorage) {}

  /** A published post starts being counted (idempotent). */
  track(post: TrackedPost): void {
    this.sql.exec(
      `INSERT INTO post_counters (post_id, platform, account_id, platform_post_id, published_at_ms, updated_at_ms,
                                  campaign_id)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(post_id) DO NOTHING`,
      post.postId,
      post.platform,
      post.accountId,
      post.platformPostId,
      post.publishedAtMs,
      post.publishedAtMs,
      post.campaignId,
    );
  }

  rows(postIds: readonly string[]): Map<string, CounterRow> {
    const found = new Map<string, CounterRow>();
    for (const part of chunk([...new Set(postIds)], 90)) {
      const rows = this.sql
        .exec<Row>(`SELECT * FROM post_counters WHERE post_id IN (${part.map(() => "?").join(",")})`, ...part)
        .toArray();
      for (const row of rows) found.set(row.post_id, row);
    }
    return found;
  }

  /** Every post, newest first; `limit`: only that many (a dashboard's snapshot). */
  all(limit = -1): CounterRow[] {
    return this.sql.exec<Row>("SELECT * FROM post_counters ORDER BY published_at_ms DESC LIMIT ?", limit).toArray();
  }

  /** The posts published at or after `sinceMs`, newest first (the post reports: ./post-reports.ts). */
  publishedSince(sinceMs: number): CounterRow[] {
    return this.sql
      .exec<Row>("SELECT * FROM post_counters WHERE published_at_ms >= ? ORDER BY published_at_ms DESC", sinceMs)
      .toArray();
  }

  /** Posts whose counters changed since the last flush. */
  unflushed(limit: number): CounterRow[] {
    return this.sql
      .exec<Row>("SELECT * FROM post_counters WHERE version > flushed_version ORDER BY updated_at_ms LIMIT ?", limit)
      .toArray();
  }

  /** Figures just pulled from the platform: the sync is counted, and flushed with them. */
  markSynced(postIds: readonly string[], nowMs: number): void {
    for (const postId of postIds) {
      this.sql.exec(
        "UPDATE post_counters SET synced_at_ms = ?, sync_count = sync_count + 1, version = version + 1 WHERE post_id = ?",
        nowMs,
        postId,
      );
    }
  }

  /** D1 now holds these rows' figures (with these anomaly flags). */
  markFlushed(rows: readonly { row: CounterRow; anomaly: boolean }[]): void {
    for (const { row, anomaly } of rows) {
      this.sql.exec(
        `UPDATE post_counters SET flushed_version = ?, flushed_sync_count = ?, flushed_anomaly = ?
         WHERE post_id = ? AND flushed_version < ?`,
        row.version,
        row.sync_count,
        anomaly ? 1 : 0,
        row.post_id,
        row.version,
      );
    }
  }

  /**
   * Applies events in order, all or nothing: events for posts this tenant did not
   * publish are refused (their indexes returned) and nothing is applied.
   */
  apply(
    events: readonly MetricEvent[],
    nowMs: number,
  ): { unknown: number[]; changed: CounterRow[]; gains: SeriesGains } {
    const gains: SeriesGains = new Map();
    const rows = this.rows(events.map((e) => e.postId));
    const unknown = events.flatMap((event, index) => (rows.has(event.postId) ? [] : [index]));
    if (unknown.length > 0) return { unknown, changed: [], gains };
    const touched = new Set<string>();
    for (const event of events) {
      const row = rows.get(event.postId) as CounterRow;
      const at = event.atMs ?? nowMs;
      const before = { engagements: engagements(countersFrom(row)), impressions: row.impressions };
      for (const name of METRIC_NAMES) {
        const value = event.metrics[name];
        if (value === undefined) continue;
        const current = row[name] ?? 0;
        (row as unknown as Record<string, number>)[name] = Math.max(
          0,
          event.type === "delta" ? current + value : value,
        );
      }
      // Engagements counted within each early window, frozen once the window has passed.
      const total = engagements(countersFrom(row));
      for (const [window, ms] of Object.entries(VELOCITY_WINDOWS)) {
        if (at <= row.published_at_ms + ms) (row as unknown as Record<string, number>)[`eng_${window}`] = total;
      }
      addGain(gains, at, total - before.engagements, row.impressions - before.impressions);
      row.updated_at_ms = Math.max(row.updated_at_ms, at);
      touched.add(event.postId);
    }
    for (const postId of touched) this.write(rows.get(postId) as CounterRow);
    const changed = [...touched].map((postId) => rows.get(postId) as CounterRow);
    return { unknown: [], changed, gains };
  }

  private write(row: CounterRow): void {
    this.sql.exec(
      `UPDATE post_counters SET likes = ?, comments = ?, shares = ?, saves = ?, clicks = ?, bookmarks = ?,
         impressions = ?, reach = ?, unique_impressions = ?, video_views = ?, video_avg_watch_time = ?,
         video_complete_views = ?, followers = ?, eng_1h = ?, eng_24h = ?, eng_7d = ?, updated_at_ms = ?,
         version = version + 1
       WHERE post_id = ?`,
      row.likes,
      row.comments,
      row.shares,
      row.saves,
      row.clicks,
      row.bookmarks,
      row.impressions,
      row.reach,
      row.unique_impressions,
      row.video_views,
      row.video_avg_watch_time,
      row.video_complete_views,
      row.followers,
      row.eng_1h,
      row.eng_24h,
      row.eng_7d,
      row.updated_at_ms,
      row.post_id,
    );
  }
}
