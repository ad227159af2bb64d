// The tenant's engagement over time, for dashboard charts: engagements and
// impressions gained per minute, kept two days. Fed by the counters' own changes,
// so a snapshot that moves a post from 10 to 15 likes adds 5, and never counts twice.
export const SERIES_BUCKET_MS = 60_000;
const SERIES_KEEP_MS = 2 * 86_400_000;
/** Minutes in a dashboard's first snapshot. */
const SERIES_SNAPSHOT_MINUTES = 180;

export interface SeriesPoint {
  /** Start of the minute, ISO 8601. */
  at: string;
  engagements: number;
  impressions: number;
}

/** Gains per minute (bucket start in ms), gathered while a batch is applied. */
export type SeriesGains = Map<number, { engagements: number; impressions: number }>;

export function addGain(gains: SeriesGains, atMs: number, engagements: number, impressions: number): void {
  if (engagements === 0 && impressions === 0) return;
  const bucket = atMs - (atMs % SERIES_BUCKET_MS);
  const gain = gains.get(bucket) ?? { engagements: 0, impressions: 0 };
  gain.engagements += engagements;
  gain.impressions += impressions;
  gains.set(bucket, gain);
}

type Row = { bucket_ms: number; engagements: number; impressions: number };

function point(row: Row): SeriesPoint {
  return { at: new Date(row.bucket_ms).toISOString(), engagements: row.engagements, impressions: row.impressions };
}

export class EngagementSeries {
  constructor(private readonly sql: SqlStorage) {}

  /** Adds the gains; the points that changed, as they now stand. */
  add(gains: SeriesGains, nowMs: number): SeriesPoint[] {
    const oldest = nowMs - SERIES_KEEP_MS;
    const changed: SeriesPoint[] = [];
    for (const [bucket, gain] of gains) {
      if (bucket < oldest) continue;
      const row = this.sql
        .exec<Row>(
          `INSERT INTO engagement_minutes (bucket_ms, engagements, impressions) VALUES (?, ?, ?)
           ON CONFLICT(bucket_ms) DO UPDATE SET engagements = engagements + excluded.engagements,
             impressions = impressions + excluded.impressions
           RETURNING bucket_ms, engagements, impressions`,
          bucket,
          gain.engagements,
          gain.impressions,
        )
        .one();
      changed.push(point(row));
    }
    this.sql.exec("DELETE FROM engagement_minutes WHERE bucket_ms < ?", oldest);
    return changed.sort((a, b) => a.at.localeCompare(b.at));
  }

  recent(nowMs: number): SeriesPoint[] {
    return this.sql
      .exec<Row>(
        "SELECT bucket_ms, engagements, impressions FROM engagement_minutes WHERE bucket_ms >= ? ORDER BY bucket_ms",
        nowMs - SERIES_SNAPSHOT_MINUTES * SERIES_BUCKET_MS,
      )
      .toArray()
      .map(point);
  }
}
