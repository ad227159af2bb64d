// The TenantObject's analytics: events applied to live counters, figures for
// dashboards and reports, coalesced pushes, the flush to D1 and insight pulls.
import { type Clock, isoNow } from "../../src/core/clock";
import type { AuditActor } from "../../src/core/db/audit-logs";
import { tenantScope } from "../../src/core/db/tenant-scope";
import type { Platform, PlatformAdapter } from "../../src/core/platforms/types";
import type { AuditOutbox } from "../identity/audit-outbox";
import type { AccountTokens, TokenStep } from "../publishing/account-tokens";
import type { IngestResult, MetricEvent, PostFigures, RefreshOutcome } from "../tenant-object/contract";
import { emitAnomalies } from "../webhooks/anomaly-events";
import type { WebhookEmitter } from "../webhooks/webhook-outbox";
import { type BenchmarkFigures, Benchmarks, benchmarkFigures } from "./benchmarks";
import { CampaignLedger } from "./campaign-ledger";
import { type CounterRow, CountersStore } from "./counters-store";
import { figuresOf } from "./derived";
import { EngagementSeries, type SeriesPoint } from "./engagement-series";
import { type FlushReport, flushAnalytics } from "./flush";
import { pullInsights } from "./insights-sync";
import { LivePush } from "./live-push";
import { RateSpreads } from "./rate-spreads";

const BATCH_KEY_TTL_MS = 86_400_000;
/** Posts in a dashboard's first snapshot. */
const SNAPSHOT_POSTS = 200;

export class TenantAnalytics {
  readonly store: CountersStore;
  /** ROI by campaign's running totals, fed by the counters below. */
  readonly campaigns: CampaignLedger;
  private readonly series: EngagementSeries;
  private readonly benchmarks: Benchmarks;
  private readonly push: LivePush;
  private readonly spreads: RateSpreads;

  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
    private readonly tenantId: string,
    private readonly broadcast: (message: string) => void,
    /** Whether any dashboard is connected. */
    private readonly watched: () => boolean,
    private readonly audit: AuditOutbox,
    private readonly clock: Clock,
    /** analytics.anomaly leaves with the flush that records a post's new flag. */
    private readonly webhooks: WebhookEmitter,
  ) {
    this.store = new CountersStore(sql);
    this.campaigns = new CampaignLedger(sql);
    this.series = new EngagementSeries(sql);
    this.spreads = new RateSpreads(() => this.store.all());
    this.benchmarks = new Benchmarks(() => tenantScope(env, tenantId), clock);
    this.push = new LivePush((ids) => this.figures(ids), broadcast, watched, clock);
  }

  private scope() {
    return tenantScope(this.env, this.tenantId);
  }

  /**
   * Figures of the rows `read` returns, read only after the benchmarks are at hand:
   * no await falls between reading the counters and the caller sending them, so a
   * dashboard never receives figures older than its snapshot.
   */
  private async figuresOfFresh(read: () => CounterRow[]): Promise<PostFigures[]> {
    const benchmarks = await this.benchmarks.get();
    const spreads = this.spreads.get();
    const now = this.clock();
    return read().map((row) =>
      figuresOf(row, now, benchmarks.get(row.platform) ?? null, spreads.get(row.platform) ?? null),
    );
  }

  figures(postIds: string[]): Promise<PostFigures[]> {
    return this.figuresOfFresh(() => [...this.store.rows(postIds).values()]);
  }

  /** Figures of the posts published since `sinceMs`, newest first (./post-reports.ts). */
  figuresSince(sinceMs: number): Promise<PostFigures[]> {
    return this.figuresOfFresh(() => this.store.publishedSince(sinceMs));
  }

  /** What a dashboard sees on connect: recent posts, the last hours' chart, the benchmarks. */
  async snapshot(): Promise<{ posts: PostFigures[]; series: SeriesPoint[]; benchmarks: BenchmarkFigures }> {
    const benchmarks = benchmarkFigures(await this.benchmarks.get());
    const posts = await this.figuresOfFresh(() => this.store.all(SNAPSHOT_POSTS));
    return { posts, series: this.series.recent(this.clock()), benchmarks };
  }

  /**
   * Applies a batch of events, all or nothing, once per Idempotency-Key. The audit
   * row is written first: a batch D1 has no record of is never applied.
   */
  async ingest(events: MetricEvent[], key: string | null, actor: AuditActor): Promise<IngestResult> {
    const nowMs = this.clock();
    this.sql.exec("DELETE FROM ingest_batches WHERE at_ms <= ?", nowMs - BATCH_KEY_TTL_MS);
    if (key) {
      const seen = this.sql
        .exec<{ accepted: number }>("SELECT accepted FROM ingest_batches WHERE key = ?", key)
        .toArray()[0];
      if (seen) return { kind: "applied", accepted: seen.accepted, posts: 0, duplicate: true };
    }
    const known = this.store.rows(events.map((e) => e.postId));
    const unknown = events.flatMap((event, index) => (known.has(event.postId) ? [] : [index]));
    if (unknown.length > 0) return { kind: "unknown_posts", indexes: unknown };
    await this.audit.record(actor, {
      action: "analytics.ingest",
      resourceType: "post_analytics",
      metadata: { events: events.length, posts: known.size, idempotency_key: key },
    });
    // A concurrent call may have applied the same key while the audit row was written.
    if (key && this.sql.exec("SELECT 1 FROM ingest_batches WHERE key = ?", key).toArray().length > 0) {
      return { kind: "applied", accepted: events.length, posts: 0, duplicate: true };
    }
    const applied = this.store.apply(events, nowMs);
    if (key)
      this.sql.exec("INSERT INTO ingest_batches (key, at_ms, accepted) VALUES (?, ?, ?)", key, nowMs, events.length);
    this.changed(applied, nowMs);
    return { kind: "applied", accepted: events.length, posts: applied.changed.length, duplicate: false };
  }

  /** Figures pulled from the platforms: applied, counted as syncs and pushed, no audit row. */
  applyOwn(events: MetricEvent[]): void {
    if (events.length === 0) return;
    const nowMs = this.clock();
    const applied = this.store.apply(events, nowMs);
    this.store.markSynced(
      applied.changed.map((row) => row.post_id),
      nowMs,
    );
    this.changed(applied, nowMs);
  }

  /** After counters moved: anomaly spreads, campaign totals, the chart, and dashboards follow. */
  private changed(applied: ReturnType<CountersStore["apply"]>, nowMs: number): void {
    this.spreads.changed(applied.changed);
    this.campaigns.reach(applied.changed);
    const points = this.series.add(applied.gains, nowMs);
    this.push.changed(
      applied.changed.map((row) => row.post_id),
      points,
    );
  }

  /** Writes changed counters to D1; dashboards then get the recomputed benchmarks. */
  async flush(): Promise<FlushReport> {
    const report = await flushAnalytics(
      this.store,
      this.benchmarks,
      this.spreads,
      await this.scope(),
      this.clock(),
      (flagged) => emitAnomalies(this.webhooks, flagged),
    );
    if (report.benchmarkRowsWritten > 0 && this.watched()) {
      const benchmarks = benchmarkFigures(await this.benchmarks.get());
      this.broadcast(JSON.stringify({ type: "benchmarks", at: isoNow(this.clock), benchmarks }));
    }
    return report;
  }

  async syncInsights(
    tokens: AccountTokens,
    adapterFor: (platform: Platform) => PlatformAdapter,
    completeRefresh: (accountId: string, leaseId: string, outcome: RefreshOutcome) => Promise<TokenStep>,
  ): Promise<number> {
    const events = await pullInsights(
      { sql: this.sql, scope: await this.scope(), tokens, adapterFor, completeRefresh },
      this.clock(),
    );
    this.applyOwn(events);
    return events.length;
  }
}
