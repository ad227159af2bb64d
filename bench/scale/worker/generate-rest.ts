// The rest of bench:scale's dataset: every table the product writes besides posts,
// audit rows, analytics, conversions and sync errors (./generate.ts), at fixed ratios
// a tenant's size sets, so every statement of src/core/db finds the rows a user of that size
// has. Written with bulk json_each statements of this file, in foreign-key order.
//
// Per tenant (big: the one tenant of tens of thousands of posts; small: the others):
//
//   table                      big                          small
//   content_templates          300 (a fifth archived)        3
//   post_configurations        12 (one default)              1
//   brand_knowledge_entries    2,000, 6 KiB embeddings       10
//   brand_profiles             1                             1
//   api_keys                   2 a user (some children,      1 a user
//                              revoked, expired)
//   ab_tests                   150                           1 in 10 tenants: 1
//   performance_benchmarks     1 a platform                  1 a platform
//   rate_limits                one a platform and hour with a post, last 35 days
//   publish_requests           scheduled: 1% of posts (next 30 days), held: 0.1%;
//                              at risk: a tenth of the scheduled; waiting for approval:
//                              0.5%, rejected: 0.1%, approved: 1 in 20 published
//                              (./generate-approvals.ts)
//   guard_results              2 for half of the candidates
//   revision_events            1 for a tenth of the candidates; a post's versions: 2 for
//                              an approved or rejected post, 1 or 2 for a waiting one
//                              (./generate-approvals.ts)
import { chunk } from "../../../src/core/db/chunk";
import type { PublishRequestRow } from "../../../src/core/db/publish-requests";
import { PLATFORMS } from "../../../src/core/platforms/types";
import { type ContentSpec, id, sentence, type TenantShape } from "./generate";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * A valid embedding of `dimensions` float32 values, as hex for SQLite's unhex(): every
 * value 0.01 (a direction; random bytes would hold values the vector index refuses).
 */
export function embeddingHex(dimensions: number): string {
  const bytes = new Uint8Array(new Float32Array(dimensions).fill(0.01).buffer);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Rows of `table` from JSON objects, `expressions` replacing some columns (a blob, a
 * constant); `extra` values are bound after the rows' JSON (?2, ?3, ...).
 */
export function bulkInsert(
  db: D1Database,
  table: string,
  rows: readonly Record<string, unknown>[],
  expressions: Record<string, string> = {},
  perStatement = 200,
  extra: readonly string[] = [],
): D1PreparedStatement[] {
  const first = rows[0];
  if (!first) return [];
  const columns = [...new Set([...Object.keys(first), ...Object.keys(expressions)])];
  const values = columns.map((c) => expressions[c] ?? `json_extract(value, '$.${c}')`);
  return chunk(rows, perStatement).map((part) =>
    db
      .prepare(`INSERT INTO ${table} (${columns.join(", ")}) SELECT ${values.join(", ")} FROM json_each(?1)`)
      .bind(JSON.stringify(part), ...extra),
  );
}

export interface TenantExtras {
  templates: string[];
  configs: string[];
  knowledge: { id: string; category: string | null; type: string }[];
  keys: { id: string; prefix: string }[];
}

const TEMPLATE_TYPES = ["social_post", "ad", "story", "email"];
const TEMPLATE_PLATFORMS = ["linkedin", "twitter", "instagram", "facebook", "all"];
const ENTRY_TYPES: [string, number][] = [
  ["guideline", 0.4],
  ["example", 0.4],
  ["faq", 0.15],
  ["asset", 0.05],
];
const CATEGORIES = [
  "product",
  "safety",
  "delivery",
  "pricing",
  "tone",
  "legal",
  "hiring",
  "events",
  "service",
  "brand",
];

function pick<T>(rnd: () => number, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)] as T;
}

function weighted(rnd: () => number, items: readonly [string, number][]): string {
  let x = rnd();
  for (const [item, share] of items) {
    if (x < share) return item;
    x -= share;
  }
  return items[0]?.[0] as string;
}

/** Templates, configurations, knowledge, the brand profile and API keys: what candidates and requests name. */
export function beforeContent(
  shard: D1Database,
  t: TenantShape,
  nowMs: number,
  rnd: () => number,
): { statements: D1PreparedStatement[]; extras: TenantExtras } {
  const big = t.posts > 1000;
  const createdMs = nowMs - 390 * DAY_MS;
  const at = (i: number, n: number) => new Date(createdMs + Math.floor((i / n) * 380 * DAY_MS)).toISOString();
  const templateCount = big ? 300 : 3;
  const templates = Array.from({ length: templateCount }, (_, i) => ({
    template_id: id("tpl", createdMs + i * 1000, rnd),
    tenant_id: t.tenantId,
    name: `Template ${i}`,
    template_type: pick(rnd, TEMPLATE_TYPES),
    platform: pick(rnd, TEMPLATE_PLATFORMS),
    structure: '{"blocks":["hook","body","cta"]}',
    use_count: Math.floor(rnd() * 40),
    status: rnd() < 0.2 ? "archived" : "active",
    created_at: at(i, templateCount),
    updated_at: at(i, templateCount),
  }));
  const configCount = big ? 12 : 1;
  const configs = Array.from({ length: configCount }, (_, i) => ({
    config_id: id("cfg", createdMs + i * 1000, rnd),
    tenant_id: t.tenantId,
    name: `Configuration ${i}`,
    platforms: '["linkedin","twitter"]',
    max_hashtags_per_platform: '{"linkedin":5,"twitter":2}',
    is_default: i === 0 ? 1 : 0,
    status: i > 0 && rnd() < 0.2 ? "archived" : "active",
    created_at: at(i, configCount),
    updated_at: at(i, configCount),
  }));
  const entryCount = big ? 2000 : 10;
  const knowledge = Array.from({ length: entryCount }, (_, i) => ({
    entry_id: id("kbe", createdMs + i * 1000, rnd),
    tenant_id: t.tenantId,
    title: `Entry ${i}`,
    entry_type: weighted(rnd, ENTRY_TYPES),
    category: rnd() < 0.1 ? null : pick(rnd, CATEGORIES),
    content: sentence(rnd, 400),
    access_count: Math.floor(rnd() * 20),
    status: rnd() < 0.1 ? "archived" : "active",
    created_at: at(i, entryCount),
    updated_at: at(i, entryCount),
  }));
  const keys: (Record<string, unknown> & {
    key_id: string;
    key_prefix: string;
    status: string;
    expires_at: string | null;
  })[] = [];
  for (const user of t.users) {
    for (let k = 0; k < (big ? 2 : 1); k++) {
      const keyId = id("key", createdMs + keys.length * 1000, rnd);
      // Half the second keys are made with the first (a lineage), when it can be a parent.
      const previous = keys.at(-1);
      const parentable = k === 1 && previous?.status === "active" && previous.expires_at === null;
      const parent = parentable && rnd() < 0.5 ? previous.key_id : null;
      const status = parent === null && rnd() < 0.1 ? "revoked" : "active";
      keys.push({
        key_id: keyId,
        tenant_id: t.tenantId,
        user_id: user,
        key_prefix: `dk_${keyId.slice(-16).toLowerCase()}`,
        key_hash: "0".repeat(64),
        scopes: '["posts.read","posts.write"]',
        rate_limit_per_hour: 1000,
        use_count: Math.floor(rnd() * 5000),
        status,
        expires_at: parent === null && rnd() < 0.1 ? new Date(nowMs - 5 * DAY_MS).toISOString() : null,
        parent_key_id: parent,
        created_at: at(keys.length, t.users.length * 2),
      });
    }
  }
  const statements = [
    ...bulkInsert(shard, "content_templates", templates),
    ...bulkInsert(shard, "post_configurations", configs),
    ...bulkInsert(shard, "brand_knowledge_entries", knowledge, { embedding: "unhex(?2)" }, 100, [embeddingHex(1536)]),
    ...bulkInsert(shard, "brand_profiles", [{ tenant_id: t.tenantId, updated_at: at(0, 1) }], {
      embeddings: "randomblob(6144)",
      palette: `'["#102030","#f0a000"]'`,
      typography: `'{"heading":"Inter"}'`,
      logo_rules: `'{"clearspace":0.2}'`,
      kms_key_id: `'kms_' || substr(json_extract(value, '$.tenant_id'), 5)`,
    }),
    // Parents before their children: one statement per key, in order, would be slow;
    // roots first, then the children (a child's parent is an earlier root).
    ...bulkInsert(
      shard,
      "api_keys",
      keys.filter((k) => k.parent_key_id === null),
    ),
    ...bulkInsert(
      shard,
      "api_keys",
      keys.filter((k) => k.parent_key_id !== null),
    ),
  ];
  return {
    statements,
    extras: {
      templates: templates.map((r) => r.template_id),
      configs: configs.filter((r) => r.status === "active").map((r) => r.config_id),
      knowledge: knowledge.map((r) => ({ id: r.entry_id, category: r.category, type: r.entry_type })),
      keys: keys.map((k) => ({ id: k.key_id, prefix: k.key_prefix })),
    },
  };
}

/** Guard results and revision events of the tenant's candidates. */
export function afterContent(shard: D1Database, content: readonly ContentSpec[], rnd: () => number) {
  const guards: Record<string, unknown>[] = [];
  const revisions: Record<string, unknown>[] = [];
  for (const c of content) {
    const atMs = Date.parse(c.created_at);
    if (rnd() < 0.5) {
      for (const guard of ["brand_voice", "contrast"]) {
        guards.push({
          result_id: id("grd", atMs, rnd),
          request_id: c.request_id,
          content_id: c.content_id,
          guard_id: guard,
          pass: rnd() < 0.9 ? 1 : 0,
          created_at: new Date(atMs + 1000).toISOString(),
        });
      }
    }
    if (rnd() < 0.1) {
      revisions.push({
        event_id: id("rev", atMs, rnd),
        request_id: c.request_id,
        tenant_id: c.tenant,
        content_id: c.content_id,
        skill_id: c.skill_id,
        classification: rnd() < 0.4 ? "defect" : "preference",
        confidence: 0.8,
        revision_type: "manual_edit",
        created_at: new Date(atMs + 60_000).toISOString(),
      });
    }
  }
  return [...bulkInsert(shard, "guard_results", guards, {}, 300), ...bulkInsert(shard, "revision_events", revisions)];
}

/**
 * What a tenant's posts leave besides their own rows: A/B tests of its posts, its
 * benchmarks, its rate-limit counters (one a platform and hour with a publish, over the
 * last 35 days) and its upcoming posts (scheduled, a few held).
 */
export function afterPosts(
  shard: D1Database,
  t: TenantShape,
  published: readonly PublishRequestRow[],
  nowMs: number,
  rnd: () => number,
) {
  const big = t.posts > 1000;
  const tests: Record<string, unknown>[] = [];
  const testCount = big ? 150 : rnd() < 0.1 ? 1 : 0;
  for (let i = 0; i < testCount && published.length >= 2; i++) {
    const a = published[Math.floor(rnd() * published.length)] as PublishRequestRow;
    const b = published[Math.floor(rnd() * published.length)] as PublishRequestRow;
    if (a.request_id === b.request_id) continue;
    const atMs = Date.parse(a.created_at);
    const status = rnd() < 0.2 ? "running" : rnd() < 0.9 ? "completed" : "cancelled";
    tests.push({
      test_id: id("abt", atMs, rnd),
      tenant_id: t.tenantId,
      test_name: `Hook ${i}`,
      test_type: "content",
      variant_a_post_id: a.request_id,
      variant_b_post_id: b.request_id,
      status,
      winner: status === "completed" ? "A" : null,
      started_at: a.created_at,
      evaluated_at: a.created_at,
      metric: "engagement_rate",
    });
  }
  const benchmarks = PLATFORMS.map((platform) => ({
    benchmark_id: id("bm", nowMs, rnd),
    tenant_id: t.tenantId,
    platform,
    avg_engagement_rate: 0.03,
    total_posts: Math.floor(published.length / 4),
    calculated_at: new Date(nowMs).toISOString(),
  }));
  const windows = new Map<string, Record<string, unknown>>();
  for (const post of published) {
    const atMs = Date.parse(post.published_at as string);
    if (atMs < nowMs - 35 * DAY_MS) continue;
    const start = new Date(Math.floor(atMs / HOUR_MS) * HOUR_MS).toISOString();
    const key = `${post.platform}|${start}`;
    const row = windows.get(key) ?? { tenant_id: t.tenantId, platform: post.platform, window_start: start };
    row.request_count = Number(row.request_count ?? 0) + 1;
    windows.set(key, row);
  }
  return [
    ...bulkInsert(shard, "ab_tests", tests),
    ...bulkInsert(shard, "performance_benchmarks", benchmarks),
    ...bulkInsert(shard, "rate_limits", [...windows.values()], {}, 300),
  ];
}

/** Posts scheduled over the next 30 days (1% of the tenant's posts), a tenth of them held. */
export function upcomingPosts(t: TenantShape, nowMs: number, rnd: () => number): PublishRequestRow[] {
  const count = Math.max(1, Math.round(t.posts * 0.01));
  return Array.from({ length: count }, (_, i) => {
    const createdMs = nowMs - Math.floor(rnd() * 7 * DAY_MS);
    const account = pick(rnd, t.accounts);
    const held = i % 10 === 9;
    const requestId = id("post", createdMs, rnd);
    const at = new Date(createdMs).toISOString();
    return {
      request_id: requestId,
      tenant_id: "",
      account_id: account.id,
      platform: account.platform,
      status: held ? "held" : "scheduled",
      idempotency_key: null,
      text: sentence(rnd, 200),
      image_url: null,
      video_url: null,
      hashtags: '["steel"]',
      scheduled_at: new Date(nowMs + Math.floor(rnd() * 30 * DAY_MS)).toISOString(),
      campaign_id: null,
      utm_params: null,
      content_id: null,
      requested_by: t.users[0] as string,
      platform_post_id: null,
      platform_post_url: null,
      published_at: null,
      error_type: null,
      error_message: null,
      created_at: at,
      updated_at: at,
      held_reason: held ? "author_removed" : null,
    };
  });
}
