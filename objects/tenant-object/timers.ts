// The TenantObject's timers, on its one alarm (ARCHITECTURE.md, One alarm): one map from
// each timer's name to its handler, as tldraw's AlarmScheduler keeps one. TenantTimer
// is the only vocabulary of names: a part is handed Timers<"its" | "names"> and can
// schedule nothing else, and the map must hold a handler for every name and no other.
//
// A handler names the parts (parts.ts) it uses, and is handed those alone (a view of
// the object's parts, typed Pick<TenantParts, ...>): it cannot reach any other. A
// timer's row carries no data of its own (each keeps its state in its own table,
// which a reset cannot lose).
//
// Hardening's guarantees (objects/storage/timers.ts): a due timer's row is deleted
// only once its handler succeeded; a handler that schedules its own timer again keeps
// the new row; a failed handler runs again a minute later. While a move between shards
// fences the tenant's writes, every timer but the move's own waits for the switch.

import { claimedPostIds } from "../../src/core/db/claimed-posts";
import { tenantScope } from "../../src/core/db/tenant-scope";
import { nextPullDue } from "../analytics/insights-sync";
import { pollContainers } from "../publishing/container-poller";
import { flushUsage, sweepAttempts } from "../publishing/housekeeping";
import { containerCadence } from "../publishing/media-containers";
import { reconcileOutcomes } from "../publishing/reconcile";
import { upkeepTokens } from "../publishing/token-upkeep";
import { faultPoint } from "./fault-points";
import { flushAnalytics, keepCampaignLedger, syncInsights, type TenantParts } from "./parts";
import { whileActive } from "./stopped-tenant";
import type { TenantTimer } from "./timer-names";

export type { TenantTimer };

interface TimerHandler {
  /** The parts the handler is handed; runDueTimers passes the object's, it forwards only these. */
  readonly uses: readonly (keyof TenantParts)[];
  run(parts: TenantParts): Promise<unknown>;
  /** Runs while a move fences the tenant's writes (only the move itself must). */
  runsWhileFenced?: true;
}

/** A handler of the parts named in `uses`, handed a view of those alone. */
function handler<K extends keyof TenantParts>(
  uses: readonly K[],
  run: (parts: Pick<TenantParts, K>) => Promise<unknown>,
  options: { runsWhileFenced?: true } = {},
): TimerHandler {
  return { uses, run: (parts) => run(viewOf(parts, uses)), ...options };
}

/** The parts named in `uses`, and no other. */
function viewOf<K extends keyof TenantParts>(parts: TenantParts, uses: readonly K[]): Pick<TenantParts, K> {
  const view: Partial<Pick<TenantParts, K>> = {};
  for (const name of uses) view[name] = parts[name];
  return view as Pick<TenantParts, K>;
}

/** A failed handler runs again this much later. */
const TIMER_RETRY_MS = 60_000;
/** How soon background work held by a move's fence is tried again. */
const FENCED_RETRY_MS = 2_000;
/** Runs of the insight pull are at least this far apart (each post has its own interval). */
const INSIGHTS_MIN_GAP_MS = 60_000;

/** The handlers, by name. Made per object: the analytics flush's backoff is its own. */
export function tenantTimers(): { readonly [name in TenantTimer]: TimerHandler } {
  let analyticsFlushFailures = 0;
  return {
    // identity (objects/identity/)
    "flush-key-usage": handler(["identity"], (parts) => parts.identity.flushKeyUsage()),
    "flush-audit": handler(["auditOutbox"], (parts) => parts.auditOutbox.flush()),
    // publishing (objects/publishing/)
    "flush-usage": handler(["sql", "env", "tenantId"], (parts) => flushUsage(parts.sql, parts.env, parts.tenantId)),
    // Due posts go out (steps 4 to 8 of publish-flow.ts), or are held while the tenant is
    // stopped or the author removed (post-holds.ts).
    "publish-due": handler(["scheduler", "publishing", "record", "preflight"], (parts) =>
      parts.scheduler.fireDue({
        publish: (input) => parts.publishing.forSchedule(input),
        abandonUnsent: (attemptId) => parts.record.abandonUnsent(attemptId),
        preflight: (requestId, input) => parts.preflight.atSend(requestId, input),
      }),
    ),
    // Scheduled posts checked 15 minutes before their time, at risk ones again until then (preflight.ts).
    preflight: handler(["preflight"], (parts) => parts.preflight.run()),
    "record-pending": handler(["record"], (parts) => parts.record.outbox.flush()),
    "sweep-attempts": handler(["sql", "record", "timers", "clock"], (parts) =>
      sweepAttempts(parts.sql, parts.record, parts.timers, parts.clock()),
    ),
    // Videos (and X's GIFs) still processing at their platform (container-poller.ts).
    "media-containers": handler(["sql", "timers", "tokens", "env", "adapterFor", "record", "clock"], (parts) =>
      pollContainers({
        sql: parts.sql,
        timers: parts.timers,
        tokens: parts.tokens,
        cadence: (platform) => containerCadence(parts.env, platform),
        adapter: parts.adapterFor,
        post: (attemptId) => parts.record.processingPost(attemptId),
        complete: (attemptId, outcome) => parts.record.completeProcessing(attemptId, outcome),
        clock: parts.clock,
      }),
    ),
    // Posts whose outcome was not learned, asked of their platform (reconcile.ts); paused
    // while the tenant is stopped (a check may send the post again).
    "reconcile-outcomes": handler(
      ["tenant", "timers", "clock", "sql", "tokens", "adapterFor", "record", "env", "tenantId", "auditOutbox"],
      (parts) =>
        whileActive(parts, "reconcile-outcomes", () =>
          reconcileOutcomes({
            sql: parts.sql,
            timers: parts.timers,
            tokens: parts.tokens,
            adapter: parts.adapterFor,
            post: (attemptId) => parts.record.reconciling(attemptId),
            write: (attemptId, record, options) => parts.record.reconciled(attemptId, record, options),
            claimed: async (accountId, ids, exceptPostId) => {
              // The tenant's posts answered before now are in D1 first (the record outbox).
              await parts.record.outbox.flush();
              return claimedPostIds(await tenantScope(parts.env, parts.tenantId), accountId, ids, exceptPostId);
            },
            audit: (attemptId, event) =>
              parts.auditOutbox.record(
                {
                  tenantId: parts.tenantId,
                  userId: null,
                  ip: null,
                  userAgent: null,
                  requestId: `reconcile:${attemptId}`,
                },
                event,
              ),
            clock: parts.clock,
          }),
        ),
    ),
    // Instagram tokens renewed before they expire (token-upkeep.ts); paused while the tenant is stopped.
    "token-upkeep": handler(["tenant", "timers", "clock", "env", "tenantId", "tokens", "adapterFor"], (parts) =>
      whileActive(parts, "token-upkeep", () => upkeepTokens(parts)),
    ),
    // analytics (objects/analytics/)
    // One flush run; more right after when the run was full, backing off while D1 fails.
    "flush-analytics": handler(["record", "tenantId", "analytics", "timers", "clock"], async (parts) => {
      try {
        const report = await flushAnalytics(parts);
        analyticsFlushFailures = 0;
        if (report.more) await parts.timers.scheduleAtMost("flush-analytics", parts.clock());
      } catch (error) {
        analyticsFlushFailures += 1;
        const backoff = Math.min(300_000, 1000 * 2 ** (analyticsFlushFailures - 1));
        console.error(`TenantObject ${parts.tenantId}: analytics flush failed; retrying in ${backoff} ms`, error);
        await parts.timers.scheduleAtMost("flush-analytics", parts.clock() + backoff);
      }
    }),
    // Paused while the tenant is stopped (stopped-tenant.ts).
    "sync-insights": handler(
      ["tenant", "timers", "clock", "record", "tenantId", "analytics", "tokens", "adapterFor", "sql"],
      (parts) =>
        whileActive(parts, "sync-insights", async () => {
          await syncInsights(parts);
          // The next run: when the next post is due, at least a minute on; none when no post is left.
          const nowMs = parts.clock();
          const due = nextPullDue(parts.sql, nowMs);
          if (due !== null)
            await parts.timers.scheduleAtMost("sync-insights", Math.max(due, nowMs + INSIGHTS_MIN_GAP_MS));
        }),
    ),
    // ROI by campaign's running totals (objects/analytics/campaign-ledger.ts).
    "campaign-ledger": handler(["storage", "analytics", "env", "tenantId", "clock", "sql", "timers"], (parts) =>
      keepCampaignLedger(parts),
    ),
    // placement (objects/placement/tenant-move.ts)
    "move-tenant": handler(["move", "clock"], (parts) => parts.move.step(parts.clock()), { runsWhileFenced: true }),
    // privacy (objects/privacy/tenant-export.ts): a tenant's export, a bounded run at a time.
    "tenant-export": handler(["exports"], (parts) => parts.exports.step()),
    // privacy (objects/privacy/archive-erasure.ts): an erased person out of the archived audit days.
    "erase-archive": handler(["archiveErasure"], (parts) => parts.archiveErasure.step()),
    // Outgoing webhooks (objects/webhooks/webhook-outbox.ts): events to the shard and the
    // delivery queue, right after they happen.
    "webhook-events": handler(["webhooks"], (parts) => parts.webhooks.drain()),
  };
}

function isTenantTimer(handlers: object, name: string): name is TenantTimer {
  return Object.hasOwn(handlers, name);
}

/** The alarm: runs every due timer's handler, each row kept until its handler succeeded. */
export async function runDueTimers(parts: TenantParts, handlers: ReturnType<typeof tenantTimers>): Promise<void> {
  const { timers } = parts;
  const nowMs = parts.clock();
  for (const name of await timers.begin(nowMs, nowMs + TIMER_RETRY_MS)) {
    if (!isTenantTimer(handlers, name)) {
      // A row no handler answers to (a timer an older version had): nothing to run.
      console.warn(`TenantObject ${parts.tenantId}: unknown timer ${name}`);
      timers.done(name);
      continue;
    }
    const handler = handlers[name];
    // While the tenant moves between shards its writes are fenced: background work
    // that writes to D1 waits for the switch instead of failing against the fence.
    if (!handler.runsWhileFenced && parts.move.fenced()) {
      await timers.failed(name, parts.clock() + FENCED_RETRY_MS);
      continue;
    }
    try {
      await faultPoint("alarm.timer");
      await handler.run(parts);
      timers.done(name);
    } catch (error) {
      console.error(`TenantObject ${parts.tenantId}: timer ${name} failed; retrying`, error);
      await timers.failed(name, parts.clock() + TIMER_RETRY_MS);
    }
  }
  await timers.arm();
}
