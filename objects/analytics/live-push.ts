// Changes pushed to dashboards, coalesced: a post changed many times within one
// short interval is sent once, with its latest figures, in one message to every
// socket, together with the chart minutes that moved. A change after a quiet spell
// goes out at once (on the next turn of the event loop); during a burst, at most one
// message per interval. Ten thousand events become a handful of messages.

import { type Clock, isoNow } from "../../src/core/clock";
import type { PostFigures } from "../tenant-object/contract";
import type { SeriesPoint } from "./engagement-series";

export const PUSH_INTERVAL_MS = 50;

export class LivePush {
  private readonly dirty = new Set<string>();
  private readonly points = new Map<string, SeriesPoint>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastPushMs = 0;

  constructor(
    private readonly figures: (postIds: string[]) => Promise<PostFigures[]>,
    private readonly broadcast: (message: string) => void,
    /** Whether any dashboard is connected. */
    private readonly watched: () => boolean,
    private readonly clock: Clock,
  ) {}

  /**
   * Posts whose figures changed, and chart minutes as they now stand (latest wins).
   * With no dashboard connected nothing is kept: one that connects later gets a
   * snapshot, so computing figures for nobody would be wasted (it was most of the
   * cost of applying pulled insights).
   */
  changed(postIds: Iterable<string>, points: readonly SeriesPoint[] = []): void {
    if (!this.watched()) return;
    for (const id of postIds) this.dirty.add(id);
    for (const point of points) this.points.set(point.at, point);
    if (this.timer) return;
    const wait = Math.max(0, this.lastPushMs + PUSH_INTERVAL_MS - this.clock());
    this.timer = setTimeout(() => void this.push(), wait);
  }

  private async push(): Promise<void> {
    this.timer = null;
    this.lastPushMs = this.clock();
    const ids = [...this.dirty];
    const series = [...this.points.values()].sort((a, b) => a.at.localeCompare(b.at));
    this.dirty.clear();
    this.points.clear();
    if (ids.length === 0 && series.length === 0) return;
    const posts = await this.figures(ids);
    this.broadcast(JSON.stringify({ type: "update", at: isoNow(this.clock), posts, series }));
  }
}
