// Which touches a conversion is attributed across, their weights under every model,
// and how the credit is shown.
//
// A touch is a visit a post brought: a page_view conversion of the same session, or
// the conversion itself (which names the post that brought the visitor this time, so
// it is always the last touch). The touches are the session's page views in the
// LOOKBACK_MS before the conversion (inclusive), at most the latest MAX_TOUCHES - 1
// of them, plus the conversion. Without a session the conversion is its only touch.
// Attribution is computed once, when the conversion is recorded, from the touches
// recorded by then; page views recorded later never change it.
import {
  ATTRIBUTION_MODELS,
  type AttributionModel,
  creditByPost,
  type PostCredit,
  TIME_DECAY_HALF_LIFE_MS,
  touchWeights,
} from "../analytics/attribution";
import type { AttributionRow } from "../db/conversion-attributions";
import { sessionPageViews } from "../db/conversions";
import type { TenantScope } from "../db/tenant-scope";
import { iso } from "../db/time";

/** Thirty days: the usual click lookback window of ad platforms' attribution. */
export const LOOKBACK_MS = 30 * 24 * 3_600_000;
/** A session longer than this is attributed over its latest touches. */
export const MAX_TOUCHES = 100;

export interface NewConversionTouch {
  conversionId: string;
  postId: string;
  sessionId: string | null;
  trackedAt: string;
}

export type CreditRow = Omit<AttributionRow, "conversion_id">;

/** One row per model and touch; every model's weights sum to 1. */
export async function attributionRows(scope: TenantScope, conversion: NewConversionTouch): Promise<CreditRow[]> {
  const at = Date.parse(conversion.trackedAt);
  const earlier = conversion.sessionId
    ? await sessionPageViews(scope, conversion.sessionId, {
        since: new Date(at - LOOKBACK_MS).toISOString(),
        until: conversion.trackedAt,
        limit: MAX_TOUCHES - 1,
      })
    : [];
  const touches = [
    ...earlier,
    { conversion_id: conversion.conversionId, post_id: conversion.postId, tracked_at: conversion.trackedAt },
  ];
  const times = touches.map((t) => Date.parse(iso(t.tracked_at)));
  return ATTRIBUTION_MODELS.flatMap((model) => {
    const weights = touchWeights(times, model);
    return touches.map((touch, position) => ({
      model,
      touch_id: touch.conversion_id,
      post_id: touch.post_id,
      touched_at: touch.tracked_at,
      position,
      weight: weights[position] as number,
    }));
  });
}

export interface AttributionView {
  half_life_hours: number;
  lookback_days: number;
  touches: {
    id: string;
    post_id: string;
    tracked_at: string;
    weights: Record<AttributionModel, number>;
  }[];
  by_post: Record<AttributionModel, PostCredit[]>;
}

/** The stored credit of one conversion, touch by touch and summed per post. */
export function attributionView(rows: readonly CreditRow[]): AttributionView {
  const touches = new Map<number, AttributionView["touches"][number]>();
  for (const row of rows) {
    let touch = touches.get(row.position);
    if (!touch) {
      touch = {
        id: row.touch_id,
        post_id: row.post_id,
        tracked_at: row.touched_at,
        weights: { first_touch: 0, last_touch: 0, linear: 0, time_decay: 0 },
      };
      touches.set(row.position, touch);
    }
    touch.weights[row.model] = row.weight;
  }
  const ordered = [...touches.entries()].sort(([a], [b]) => a - b).map(([, touch]) => touch);
  const by_post = {} as Record<AttributionModel, PostCredit[]>;
  for (const model of ATTRIBUTION_MODELS) {
    by_post[model] = creditByPost(ordered.map((t) => ({ post_id: t.post_id, weight: t.weights[model] })));
  }
  return {
    half_life_hours: TIME_DECAY_HALF_LIFE_MS / 3_600_000,
    lookback_days: LOOKBACK_MS / 86_400_000,
    touches: ordered,
    by_post,
  };
}
