// The TenantObject's webhook outbox (docs/webhooks.md, "How an event leaves"). A part that
// changes a post's or an account's state emits its event here in the same synchronous
// step as the change it reports: the row goes into the object's SQLite in the same
// implicit transaction as the change, so the event exists exactly when the change does,
// and a reset of the object can lose neither one without the other. The alarm's
// "webhook-events" timer then drains the outbox: for each event, the endpoints
// subscribed to its type; the events and their first attempts written to the tenant's
// shard in one fenced batch; one queue message per event and endpoint; and only then
// the rows deleted. A drain cut short between the shard and the delete runs again: the
// shard's rows are written by id (nothing twice), the messages are sent again, and the
// consumer sends each pending attempt once (src/core/webhooks/consumer.ts). At least
// once, then, and in practice once.
//
// Which endpoints want what is read from the shard and kept a minute, and forgotten at
// once when the router says the endpoints changed (webhooksChanged). While it is known
// that no endpoint wants a type, its events are not even written: a tenant without
// endpoints pays one read a minute at most, on the first event.
import { type Clock, isoNow } from "../../src/core/clock";
import { chunk } from "../../src/core/db/chunk";
import { newId } from "../../src/core/db/ids";
import { MAX_JSON_ROWS } from "../../src/core/db/json-rows";
import type { PostView } from "../../src/core/db/publish-requests";
import { tenantScope } from "../../src/core/db/tenant-scope";
import { insertPending, type PendingDelivery } from "../../src/core/webhooks/deliveries-store";
import { subscriptions, targetsOf } from "../../src/core/webhooks/endpoints-store";
import { eventPost, eventRecord, type WebhookEventRecord, type WebhookEventType } from "../../src/core/webhooks/events";
import { insertEvents } from "../../src/core/webhooks/events-store";
import { type DeliveryMessage, enqueueDeliveries } from "../../src/core/webhooks/queue";
import type { Timers } from "../storage/timers";

/** How long the endpoints' subscriptions are trusted without being told of a change. */
export const SUBSCRIPTIONS_TTL_MS = 60_000;
/** Events one drain step takes from the outbox (one statement's rows). */
const DRAIN_BATCH = MAX_JSON_ROWS;
/** Bytes of event bodies one drain step writes at most (D1 takes up to 2 MB a value, 1 MB here). */
const DRAIN_BYTES = 500_000;

type OutboxRow = {
  seq: number;
  event_id: string;
  type: WebhookEventType;
  post_id: string | null;
  body: string;
  created_at: string;
};

type Subscription = { endpointId: string; events: string[] };

/** What the publishing and account parts emit through. */
export interface WebhookEmitter {
  /** Emits an event of `type` with `data`; `postId` for a post's event. */
  emit(type: WebhookEventType, data: unknown, postId?: string | null): void;
  /** Emits a post's event: the post as it is now and its next sequence number, with `extra` beside them. */
  emitPost(type: WebhookEventType, post: PostView, extra?: Record<string, unknown>): void;
  /** The next number of a post's own sequence (taken only for an event that is wanted). */
  nextSequence(postId: string): number;
  /** Whether an event of `type` may be wanted by an endpoint (false only when it is known that none is). */
  wanted(type: WebhookEventType): boolean;
}

export class WebhookOutbox implements WebhookEmitter {
  private subscribed: { list: Subscription[]; atMs: number } | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
    private readonly tenantId: string,
    private readonly timers: Timers<"webhook-events">,
    private readonly clock: Clock,
  ) {}

  wanted(type: WebhookEventType): boolean {
    const known = this.subscribed;
    if (!known || this.clock() - known.atMs >= SUBSCRIPTIONS_TTL_MS) return true;
    return targetsOf(known.list, type).length > 0;
  }

  nextSequence(postId: string): number {
    return this.sql
      .exec<{ sequence: number }>(
        `INSERT INTO webhook_post_sequences (post_id, sequence) VALUES (?, 1)
         ON CONFLICT (post_id) DO UPDATE SET sequence = sequence + 1 RETURNING sequence`,
        postId,
      )
      .one().sequence;
  }

  emit(type: WebhookEventType, data: unknown, postId: string | null = null): void {
    if (!this.wanted(type)) return;
    const nowMs = this.clock();
    const record = eventRecord(newId("webhookEvent", nowMs), type, new Date(nowMs).toISOString(), data, postId);
    this.sql.exec(
      "INSERT INTO webhook_outbox (event_id, type, post_id, body, created_at) VALUES (?, ?, ?, ?, ?)",
      record.eventId,
      record.type,
      record.postId,
      record.body,
      record.createdAt,
    );
    this.timers
      .scheduleAtMost("webhook-events", nowMs)
      .catch((error) => console.error(`TenantObject ${this.tenantId}: webhook timer not set`, error));
  }

  emitPost(type: WebhookEventType, post: PostView, extra: Record<string, unknown> = {}): void {
    if (!this.wanted(type)) return;
    this.emit(type, { post: eventPost(post), sequence: this.nextSequence(post.id), ...extra }, post.id);
  }

  /** The router changed the endpoints: read them again before the next event. */
  forgetSubscriptions(): void {
    this.subscribed = null;
  }

  private async subscriptions(): Promise<Subscription[]> {
    const known = this.subscribed;
    if (known && this.clock() - known.atMs < SUBSCRIPTIONS_TTL_MS) return known.list;
    const list = await subscriptions(await tenantScope(this.env, this.tenantId));
    this.subscribed = { list, atMs: this.clock() };
    return list;
  }

  /** Events waiting in the outbox. */
  waiting(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM webhook_outbox").one().n;
  }

  /**
   * Sends every event waiting now. A caller arriving during a drain waits for it and
   * then drains what is left. Rejects when the shard or the queue refused (the events
   * stay for the timer's next run).
   */
  async drain(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.drainAll();
    try {
      await this.running;
    } finally {
      this.running = null;
    }
  }

  private async drainAll(): Promise<void> {
    for (;;) {
      const rows = this.take();
      if (rows.length === 0) return;
      const list = await this.subscriptions();
      const events: WebhookEventRecord[] = [];
      const pending: PendingDelivery[] = [];
      const now = isoNow(this.clock);
      for (const row of rows) {
        const targets = targetsOf(list, row.type);
        if (targets.length === 0) continue;
        events.push({
          eventId: row.event_id,
          type: row.type,
          postId: row.post_id,
          createdAt: row.created_at,
          body: row.body,
        });
        for (const endpointId of targets) {
          pending.push({
            deliveryId: newId("webhookDelivery", this.clock()),
            endpointId,
            eventId: row.event_id,
            eventType: row.type,
            attempt: 1,
            tryNumber: 1,
            origin: "event",
            dueAt: now,
            createdAt: now,
          });
        }
      }
      if (events.length > 0) {
        const scope = await tenantScope(this.env, this.tenantId);
        await scope.db.batch([
          insertEvents(scope, events),
          ...chunk(pending, MAX_JSON_ROWS).map((part) => insertPending(scope, part)),
        ]);
        const messages: DeliveryMessage[] = pending.map((p) => ({
          tenantId: this.tenantId,
          endpointId: p.endpointId,
          eventId: p.eventId,
        }));
        await enqueueDeliveries(this.env, messages);
      }
      // Only now: every event taken is in the shard and on the queue (or wanted by none).
      this.sql.exec("DELETE FROM webhook_outbox WHERE seq <= ?", (rows.at(-1) as OutboxRow).seq);
    }
  }

  /** The oldest events waiting, as many as fit one step. */
  private take(): OutboxRow[] {
    const rows = this.sql.exec<OutboxRow>("SELECT * FROM webhook_outbox ORDER BY seq LIMIT ?", DRAIN_BATCH).toArray();
    let bytes = 0;
    const taken: OutboxRow[] = [];
    for (const row of rows) {
      bytes += row.body.length;
      if (taken.length > 0 && bytes > DRAIN_BYTES) break;
      taken.push(row);
    }
    return taken;
  }
}
