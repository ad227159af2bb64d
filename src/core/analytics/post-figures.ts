// A post's figures as dashboards and D1 see them: the TenantObject derives them from its
// live counters, answers them over its contract and flushes them to post_analytics.
import type { Platform } from "../platforms/types";
import type { Anomaly, MetricColumns, Score } from "./post-metrics";

/** A post's figures as dashboards and D1 see them: counters plus the derived figures. */
export interface PostFigures extends MetricColumns {
  post_id: string;
  platform: Platform;
  account_id: string;
  published_at: string;
  engagement_rate: number | null;
  share_rate: number | null;
  viral_coefficient: number | null;
  engagement_velocity_1h: number | null;
  engagement_velocity_24h: number | null;
  engagement_velocity_7d: number | null;
  performance_score: number;
  performance_score_breakdown: Score["breakdown"];
  is_anomaly: boolean;
  anomaly_type: Anomaly["type"];
  z_score: number | null;
  updated_at: string;
}
