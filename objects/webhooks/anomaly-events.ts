// analytics.anomaly (docs/webhooks.md, "Events"): a post newly flagged as far from the
// tenant's usual engagement (src/core/analytics/post-metrics.ts, anomaly). Emitted by the
// analytics flush in the step that records D1 has the flag (objects/analytics/flush.ts),
// so a post's flag raised once is told once; a flag that clears and is raised again is
// told again.
import type { PostFigures } from "../../src/core/analytics/post-figures";
import type { Platform } from "../../src/core/platforms/types";
import type { AnomalyEventData } from "../../src/core/webhooks/events";
import type { WebhookEmitter } from "./webhook-outbox";

export interface FlaggedPost {
  postId: string;
  platform: Platform;
  figures: Pick<PostFigures, "anomaly_type" | "engagement_rate" | "z_score">;
}

export function emitAnomalies(webhooks: WebhookEmitter, flagged: readonly FlaggedPost[]): void {
  if (flagged.length === 0 || !webhooks.wanted("analytics.anomaly")) return;
  for (const post of flagged) {
    if (post.figures.anomaly_type === "normal") continue;
    const data: AnomalyEventData = {
      post_id: post.postId,
      platform: post.platform,
      sequence: webhooks.nextSequence(post.postId),
      anomaly_type: post.figures.anomaly_type,
      engagement_rate: post.figures.engagement_rate,
      z_score: post.figures.z_score,
    };
    webhooks.emit("analytics.anomaly", data, post.postId);
  }
}
