// The spread of engagement rates per platform that live anomaly flags are judged
// against, kept current with every change: each post's rate is held in memory (a
// cache of the counters in SQLite, read once after a wake), and a platform's spread
// is recomputed only when one of its posts moved. A stale spread would flag a post
// against figures that no longer stand.
import type { Spread } from "../../src/core/analytics/post-metrics";
import type { Platform } from "../../src/core/platforms/types";
import type { CounterRow } from "./counters-store";
import { rateOf, spreads } from "./derived";

export class RateSpreads {
  private rates: Map<string, { platform: Platform; rate: number | null }> | null = null;
  private byPlatform = new Map<Platform, Spread>();
  private readonly stale = new Set<Platform>();

  constructor(private readonly all: () => CounterRow[]) {}

  private loaded(): Map<string, { platform: Platform; rate: number | null }> {
    if (!this.rates) {
      this.rates = new Map(this.all().map((row) => [row.post_id, rateOf(row)]));
      this.byPlatform = spreads(this.rates.values());
      this.stale.clear();
    }
    return this.rates;
  }

  /** Posts whose counters changed. */
  changed(rows: Iterable<CounterRow>): void {
    if (!this.rates) return; // read afresh when next needed
    for (const row of rows) {
      this.rates.set(row.post_id, rateOf(row));
      this.stale.add(row.platform);
    }
  }

  get(): Map<Platform, Spread> {
    const rates = this.loaded();
    for (const platform of this.stale) {
      const fresh = spreads([...rates.values()].filter((r) => r.platform === platform)).get(platform);
      if (fresh) this.byPlatform.set(platform, fresh);
      else this.byPlatform.delete(platform);
    }
    this.stale.clear();
    return this.byPlatform;
  }
}
