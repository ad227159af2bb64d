// What the dashboard knows: posts by id, chart minutes by start, benchmarks by
// platform. A snapshot replaces it; updates merge into it.
export class DashboardState {
  posts = new Map();
  series = new Map();
  benchmarks = {};
  texts = new Map();

  apply(message) {
    if (message.type === "snapshot") {
      this.posts = new Map(message.posts.map((p) => [p.post_id, p]));
      this.series = new Map(message.series.map((p) => [p.at, p]));
      this.benchmarks = message.benchmarks ?? {};
    } else if (message.type === "update") {
      for (const post of message.posts) this.posts.set(post.post_id, post);
      for (const point of message.series ?? []) this.series.set(point.at, point);
    } else if (message.type === "benchmarks") {
      this.benchmarks = message.benchmarks;
    }
  }

  /** Posts newest first. */
  postList() {
    return [...this.posts.values()].sort((a, b) => b.published_at.localeCompare(a.published_at));
  }

  /** Minutes worth charting: back to the first minute with data, 30 to 180. */
  window(nowMs = Date.now()) {
    const first = Math.min(nowMs, ...[...this.series.keys()].map((at) => Date.parse(at)));
    return Math.max(30, Math.min(180, Math.ceil((nowMs - first) / 60_000) + 5));
  }

  /** The last `minutes` minutes, missing minutes as zero. */
  minutes(minutes, nowMs = Date.now()) {
    const end = nowMs - (nowMs % 60_000);
    const points = [];
    for (let t = end - (minutes - 1) * 60_000; t <= end; t += 60_000) {
      const at = new Date(t).toISOString();
      points.push(this.series.get(at) ?? { at, engagements: 0, impressions: 0 });
    }
    return points;
  }
}
