// GET /v1/content's list (src/core/db/content.ts) builds its WHERE clause from the filters
// given and seeks its cursor: every filter and page must hold exactly the rows a plain
// query gives, and read about as many rows as it returns (the read bound: 2 × rows returned + 100).
import { describe, expect, it } from "vitest";
import { type ContentFilters, listContent } from "../../src/core/db/content";
import { countedScope, readBound } from "../support/d1-counts";
import { tenantDb } from "../support/databases";
import { insertTenant, uniqueId } from "../support/rows";

/** 900 candidates in requests of three: the first of each selected, one in nine approved, skills in turn. */
async function tenantWithContent(): Promise<{ tenantId: string; request: string; skill: string }> {
  const tenantId = await insertTenant();
  const prefix = uniqueId("gen");
  await (await tenantDb(tenantId))
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 899)
       INSERT INTO generated_content (content_id, tenant_id, request_id, intent_spec, skill_id, content_type,
         user_selected, user_approved, created_at)
       SELECT ?2 || printf('%05d', i), ?1, ?2 || 'req' || (i / 3), '{}',
              CASE WHEN i % 4 = 3 THEN NULL ELSE ?2 || 'skill' || (i % 7) END,
              CASE WHEN i % 5 = 0 THEN 'image' ELSE 'text' END,
              CASE WHEN i % 3 = 0 THEN 1 ELSE 0 END, CASE WHEN i % 9 = 0 THEN 1 ELSE 0 END,
              -- Candidates of a request share their time, so pages break ties by id.
              strftime('%Y-%m-%dT%H:%M:%fZ', 1767225600 + (i / 3) * 600, 'unixepoch')
       FROM n`,
    )
    .bind(tenantId, prefix)
    .run();
  return { tenantId, request: `${prefix}req100`, skill: `${prefix}skill2` };
}

async function direct(tenantId: string, f: ContentFilters): Promise<string[]> {
  const flag = (v: boolean | undefined) => (v === undefined ? null : Number(v));
  const { results } = await (await tenantDb(tenantId))
    .prepare(
      `SELECT content_id FROM generated_content
       WHERE tenant_id = ?1 AND (?2 IS NULL OR skill_id = ?2) AND (?3 IS NULL OR request_id = ?3)
         AND (?4 IS NULL OR content_type = ?4) AND (?5 IS NULL OR user_selected = ?5) AND (?6 IS NULL OR user_approved = ?6)
       ORDER BY created_at DESC, content_id DESC`,
    )
    .bind(tenantId, f.skillId ?? null, f.requestId ?? null, f.contentType ?? null, flag(f.selected), flag(f.approved))
    .all<{ content_id: string }>();
  return results.map((r) => r.content_id);
}

async function everyPage(tenantId: string, filters: ContentFilters, bounded: boolean): Promise<string[]> {
  const ids: string[] = [];
  let after: { createdAt: string; id: string } | undefined;
  for (;;) {
    const { scope, counts } = await countedScope(tenantId);
    const page = await listContent(scope, filters, { limit: 25, after });
    if (bounded) expect(counts.rowsRead, JSON.stringify({ filters, after })).toBeLessThanOrEqual(readBound(counts));
    ids.push(...page.rows.map((r) => r.content_id));
    const last = page.rows.at(-1);
    if (!page.hasMore || !last) return ids;
    after = { createdAt: last.created_at, id: last.content_id };
  }
}

describe("the generated content list", () => {
  it("pages through each filter exactly as a plain query, reading about what each page returns", async () => {
    const { tenantId, request, skill } = await tenantWithContent();
    await tenantWithContent(); // another tenant's candidates in the same shard
    const filters: ContentFilters[] = [
      {},
      { requestId: request },
      { skillId: skill },
      { selected: true },
      { selected: false },
      { approved: true },
      { approved: false, contentType: "text" },
    ];
    for (const f of filters) {
      const expected = await direct(tenantId, f);
      expect(expected.length, JSON.stringify(f)).toBeGreaterThan(0);
      expect(await everyPage(tenantId, f, true), JSON.stringify(f)).toEqual(expected);
    }
  });

  it("answers two filters together exactly, read through the index of one of them", async () => {
    const { tenantId, skill } = await tenantWithContent();
    const f = { skillId: skill, selected: true };
    expect(await everyPage(tenantId, f, false)).toEqual(await direct(tenantId, f));
  });
});
