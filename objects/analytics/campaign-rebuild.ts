// The campaign ledger rebuilt from D1 (campaign-ledger.ts): on the first report after
// object migration 13 (tenants that had campaigns before the ledger), and daily, as
// the repair of a credit lost between D1 and the object (a conversion is committed to
// D1 first, then credited here; a failed call leaves it out until this runs).
//
// It runs beside live traffic. While D1 is read, what arrives is applied to the
// ledger as usual and collected; then, in one synchronous transaction, the ledger is
// replaced by what D1 had and the arrivals are carried over:
// - the posts are D1's and every campaign post the object counts (post_counters knows
//   its campaign), so a post published meanwhile, or whose record D1 has not had yet,
//   is kept;
// - reach comes from the live counters for every post the object counts (they are
//   ahead of D1's post_analytics), from D1 for the others;
// - a conversion is credited unless the read counted it (its id is in the snapshot's
//   recent list); the recent list becomes the ledger's record of credited conversions,
//   so a credit call that comes after the rebuild for a conversion it counted is
//   refused as a repeat.

import type { CampaignLedgerRebuild } from "../../src/core/analytics/campaign-types";
import type { Clock } from "../../src/core/clock";
import { type CampaignSnapshot, readCampaignSnapshot } from "../../src/core/db/reports/campaign-posts";
import type { TenantScope } from "../../src/core/db/tenant-scope";
import { faultPoint } from "../tenant-object/fault-points";
import { type CampaignLedger, DAY_MS, FIGURES, LONGEST_WINDOW } from "./campaign-ledger";

/** Conversions older than this were committed long ago; younger ones are listed by id. */
const RECENT_MS = 3_600_000;
/** The ledger is rebuilt from D1 when its last build is older than this. */
export const REBUILD_EVERY_MS = 86_400_000;

export interface RebuildDeps {
  storage: DurableObjectStorage;
  ledger: CampaignLedger;
  scope: () => Promise<TenantScope>;
  clock: Clock;
}

const BUILT_KEY = "campaign_ledger_built_ms";

/** When the ledger was last built from D1 (null: never). */
export function builtAtMs(sql: SqlStorage): number | null {
  const row = sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", BUILT_KEY).toArray()[0];
  return row ? Number(row.value) : null;
}

const inFlight: WeakMap<CampaignLedger, Promise<CampaignLedgerRebuild>> = new WeakMap();

/** Rebuilds the ledger from D1; a rebuild under way is joined rather than started twice. */
export function rebuildCampaignLedger(deps: RebuildDeps): Promise<CampaignLedgerRebuild> {
  const running = inFlight.get(deps.ledger);
  if (running) return running;
  const run = rebuild(deps).finally(() => inFlight.delete(deps.ledger));
  inFlight.set(deps.ledger, run);
  return run;
}

async function rebuild(deps: RebuildDeps): Promise<CampaignLedgerRebuild> {
  const { ledger, storage } = deps;
  ledger.collectArrivals(true);
  try {
    const nowMs = deps.clock();
    const snapshot = await readCampaignSnapshot(await deps.scope(), {
      sinceMs: nowMs - LONGEST_WINDOW * DAY_MS,
      nowMs,
      recentMs: RECENT_MS,
    });
    await faultPoint("ledger.read");
    return storage.transactionSync(() => replace(deps, snapshot, nowMs));
  } finally {
    ledger.collectArrivals(false);
  }
}

function replace(deps: RebuildDeps, snapshot: CampaignSnapshot, nowMs: number): CampaignLedgerRebuild {
  const { sql } = deps.storage;
  const { ledger } = deps;
  const arrivals = ledger.collectArrivals(false) ?? { credits: [] };
  sql.exec("DELETE FROM campaign_posts");
  sql.exec("DELETE FROM campaign_totals");
  sql.exec("DELETE FROM campaign_conversions");
  const columns = ["post_id", "campaign_id", "published_at_ms", ...FIGURES] as const;
  for (const post of snapshot.posts) {
    sql.exec(
      `INSERT INTO campaign_posts (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
      ...columns.map((column) => (post as Record<string, unknown>)[column] ?? 0),
    );
  }
  sql.exec(
    `INSERT INTO campaign_posts (post_id, campaign_id, published_at_ms)
     SELECT post_id, campaign_id, published_at_ms FROM post_counters
     WHERE campaign_id IS NOT NULL AND published_at_ms >= ?
     ON CONFLICT (post_id) DO NOTHING`,
    nowMs - LONGEST_WINDOW * DAY_MS,
  );
  // The live counters are ahead of D1's post_analytics for every post the object counts.
  sql.exec(
    `UPDATE campaign_posts SET impressions = c.impressions, clicks = c.clicks
     FROM post_counters c WHERE c.post_id = campaign_posts.post_id`,
  );
  sql.exec("DELETE FROM campaign_posts WHERE published_at_ms < ?", nowMs - LONGEST_WINDOW * DAY_MS);
  sql.exec("UPDATE campaign_windows SET cutoff_ms = ? - window_days * ?", nowMs, DAY_MS);
  sql.exec(
    `INSERT INTO campaign_totals (window_days, campaign_id, posts, ${FIGURES.join(", ")})
     SELECT w.window_days, p.campaign_id, COUNT(*), ${FIGURES.map((c) => `SUM(p.${c})`).join(", ")}
     FROM campaign_windows w JOIN campaign_posts p ON p.published_at_ms >= w.cutoff_ms
     GROUP BY w.window_days, p.campaign_id`,
  );
  for (const id of snapshot.recentConversionIds) {
    sql.exec("INSERT INTO campaign_conversions (conversion_id, at_ms) VALUES (?, ?)", id, nowMs);
  }
  for (const credit of arrivals.credits) ledger.credit(credit, nowMs);
  sql.exec(
    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    BUILT_KEY,
    String(nowMs),
  );
  const campaigns = sql.exec<{ n: number }>("SELECT COUNT(DISTINCT campaign_id) AS n FROM campaign_posts").one().n;
  return {
    posts: snapshot.posts.length,
    campaigns,
    d1RowsRead: snapshot.rowsRead,
    builtAtMs: nowMs,
  };
}
