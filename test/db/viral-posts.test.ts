// Viral posts (src/core/db/reports/viral-posts.ts) are read as a merge of the ten-day buckets of their
// window from a partial index: every window, platform and page must hold exactly what
// the seed's §11.2 query gives (posts published in the window, at or above the
// threshold, most viral first), and read about as many rows as the page returns,
// whether the window is a few weeks of a long history or all of it, and whatever day
// "today" is: where today falls decides which buckets a window spans, so the bound is
// held for every day of a year. Time is given to the report; nothing here reads the
// machine's clock, so the test means the same on any date.
import { describe, expect, it } from "vitest";
import { type ViralPostRow, viralPosts } from "../../src/core/db/reports/viral-posts";
import { countedScope, readBound } from "../support/d1-counts";
import { tenantDb } from "../support/databases";
import { insertAccount, insertTenant, uniqueId } from "../support/rows";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** The last day of the tenant's history: a fixed instant, not the machine's date. */
const T0 = Date.UTC(2027, 2, 14, 9, 30);

/**
 * `posts` posts, one every `spacingDays` days back from `endMs`, on two platforms, a
 * third of them viral (a few coefficients tie), a few deleted, some analytics rows
 * made days after their post, some with SQLite's own "YYYY-MM-DD HH:MM:SS" time.
 */
async function tenantWithHistory(endMs: number, posts: number, spacingDays: number): Promise<string> {
  const tenantId = await insertTenant();
  const linkedin = await insertAccount(tenantId, { platform: "linkedin" });
  const twitter = await insertAccount(tenantId, { platform: "twitter" });
  const db = await tenantDb(tenantId);
  const prefix = uniqueId("post");
  await db
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?6 - 1)
       INSERT INTO published_posts (post_id, tenant_id, platform, account_id, platform_post_id, text, published_at, status)
       SELECT ?2 || printf('%04d', i), ?1, CASE WHEN i % 3 = 0 THEN 'twitter' ELSE 'linkedin' END,
              CASE WHEN i % 3 = 0 THEN ?4 ELSE ?3 END, 'pp' || i, 'post ' || i,
              strftime('%Y-%m-%dT%H:%M:%fZ', ?5 / 1000.0 - (i * ?7 + 0.1) * 86400, 'unixepoch'),
              CASE WHEN i % 17 = 0 THEN 'deleted' ELSE 'published' END
       FROM n`,
    )
    .bind(tenantId, prefix, linkedin, twitter, endMs, posts, spacingDays)
    .run();
  await db
    .prepare(
      `INSERT INTO post_analytics (analytics_id, post_id, tenant_id, platform, reach, impressions, engagement_rate,
         viral_coefficient, created_at)
       SELECT 'pa' || post_id, post_id, tenant_id, platform,
              CASE WHEN rowid % 11 = 0 THEN NULL ELSE 1000 + rowid % 7 END, 2000, 0.05,
              CASE WHEN rowid % 3 = 1 THEN 1 + (rowid * 37 % 401) / 100.0 WHEN rowid % 3 = 2 THEN 0.4 END,
              CASE WHEN rowid % 7 = 0 THEN strftime('%Y-%m-%dT%H:%M:%fZ', published_at, '+3 days')
                   WHEN rowid % 7 = 1 THEN datetime(published_at)
                   ELSE published_at END
       FROM published_posts WHERE tenant_id = ?1`,
    )
    .bind(tenantId)
    .run();
  return tenantId;
}

/** The seed's §11.2 query, tenant-scoped, deleted posts left out: every row in order. */
async function seedQuery(tenantId: string, since: string, platform?: string): Promise<ViralPostRow[]> {
  const { results } = await (await tenantDb(tenantId))
    .prepare(
      `SELECT p.post_id, p.platform, p.text, p.published_at, pa.viral_coefficient, pa.engagement_rate,
              COALESCE(pa.reach, 0) AS reach, COALESCE(pa.impressions, 0) AS impressions
       FROM published_posts p JOIN post_analytics pa ON pa.post_id = p.post_id AND pa.tenant_id = p.tenant_id
       WHERE p.tenant_id = ?1 AND p.status = 'published' AND p.published_at >= ?2 AND pa.viral_coefficient >= 1.0
         AND (?3 IS NULL OR p.platform = ?3)
       ORDER BY pa.viral_coefficient DESC, p.post_id`,
    )
    .bind(tenantId, since, platform ?? null)
    .all<ViralPostRow>();
  return results;
}

/** Every page of a window ending at `nowMs`, each held to the read bound; the rows in order. */
async function everyPage(
  tenantId: string,
  window: { nowMs: number; days: number },
  limit: number,
  platform?: "linkedin" | "twitter",
) {
  const since = new Date(window.nowMs - window.days * DAY_MS).toISOString();
  const today = new Date(window.nowMs).toISOString();
  const rows: ViralPostRow[] = [];
  let after: { coefficient: number; id: string } | undefined;
  for (;;) {
    const { scope, counts } = await countedScope(tenantId);
    const page = await viralPosts(scope, { since, limit, platform, after, nowMs: window.nowMs });
    expect(
      counts.rowsRead,
      `today ${today}, ${window.days} days, page after ${after?.id ?? "the start"}`,
    ).toBeLessThanOrEqual(readBound(counts));
    rows.push(...page.rows);
    const last = page.rows.at(-1);
    if (!page.hasMore || !last) return rows;
    after = { coefficient: last.viral_coefficient, id: last.post_id };
  }
}

describe("viral posts, a merge of the window's ten-day buckets", () => {
  it("pages through short and long windows and one platform exactly as the seed's query", async () => {
    const tenantId = await tenantWithHistory(T0, 400, 0.75);
    for (const days of [10, 45, 120, 365]) {
      const since = new Date(T0 - days * DAY_MS).toISOString();
      const expected = await seedQuery(tenantId, since);
      expect(expected.length, `${days} days`).toBeGreaterThan(0);
      expect(await everyPage(tenantId, { nowMs: T0, days }, 6), `${days} days`).toEqual(expected);
      expect(await everyPage(tenantId, { nowMs: T0, days }, 100), `${days} days, one page`).toEqual(expected);
      expect(await everyPage(tenantId, { nowMs: T0, days }, 4, "twitter"), `${days} days, twitter`).toEqual(
        await seedQuery(tenantId, since, "twitter"),
      );
    }
  });

  it("holds the read bound for 30 and 365 days on every day of a year, and answers as the seed's query", async () => {
    // 730 days of reports, a few hundred pages: seconds on a quiet machine, longer on a busy one.
    // Two years of history, so that a year's window is full on every "today" swept.
    // Today walks back a day at a time (a different hour each day too: bucket edges
    // fall at every time of day), and what would not exist yet on that day is removed
    // first: posts published later, analytics rows made later.
    const tenantId = await tenantWithHistory(T0, 730, 1);
    const db = await tenantDb(tenantId);
    for (let day = 0; day < 365; day++) {
      const nowMs = T0 - day * DAY_MS - ((day * 7) % 24) * HOUR_MS;
      await db.batch([
        db
          .prepare("DELETE FROM post_analytics WHERE tenant_id = ? AND unixepoch(created_at, 'subsec') * 1000 > ?")
          .bind(tenantId, nowMs),
        db
          .prepare("DELETE FROM published_posts WHERE tenant_id = ? AND published_at > ?")
          .bind(tenantId, new Date(nowMs).toISOString()),
      ]);
      for (const days of [30, 365]) {
        const rows = await everyPage(tenantId, { nowMs, days }, 50);
        // The exact answer on a sample of days (the bound above is held on all of them).
        if (day % 30 === 0) {
          const since = new Date(nowMs - days * DAY_MS).toISOString();
          expect(rows, `today ${new Date(nowMs).toISOString()}, ${days} days`).toEqual(
            await seedQuery(tenantId, since),
          );
        }
      }
    }
  }, 120_000);
});
