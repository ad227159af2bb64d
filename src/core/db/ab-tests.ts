// A/B tests of a tenant (ab_tests, migrations 0004 and 0010): two or three published posts
// compared on one proportion metric, with the result of the latest evaluation.
import { type AbMetric, METRIC_DEFINITIONS } from "../analytics/ab-metrics";
import {
  type AbTestResult,
  type Comparison,
  VARIANT_LABELS,
  type VariantFigures,
  type VariantLabel,
  type Winner,
} from "../analytics/ab-test";
import { parseJson } from "./json-column";
import type { TenantScope } from "./tenant-scope";
import { iso, isoOrNull } from "./time";

export const AB_TEST_TYPES = ["content", "brand_voice", "timing", "hashtag"] as const;
export const AB_TEST_STATUSES = ["running", "completed", "cancelled"] as const;
export type AbTestStatus = (typeof AB_TEST_STATUSES)[number];

export interface AbTestRow {
  test_id: string;
  tenant_id: string;
  test_name: string;
  test_type: (typeof AB_TEST_TYPES)[number];
  variant_a_post_id: string;
  variant_b_post_id: string;
  variant_c_post_id: string | null;
  winner: Winner | null;
  p_value: number | null;
  confidence_level: number | null;
  uplift: number | null;
  status: AbTestStatus;
  started_at: string;
  completed_at: string | null;
  metric: AbMetric;
  min_sample: number;
  alpha: number;
  results: string | null;
  evaluated_at: string | null;
  created_by: string | null;
}

/** The figures behind the latest verdict, kept with it (results column). */
interface StoredResults {
  reason: string;
  variants: (VariantFigures & { post_id: string })[];
  comparisons: Comparison[];
}

export function variantPostIds(row: AbTestRow): string[] {
  return [row.variant_a_post_id, row.variant_b_post_id, ...(row.variant_c_post_id ? [row.variant_c_post_id] : [])];
}

function storedResults(result: AbTestResult, postIds: readonly string[]): string {
  const stored: StoredResults = {
    reason: result.reason,
    variants: result.variants.map((v, i) => ({ ...v, post_id: postIds[i] as string })),
    comparisons: result.comparisons,
  };
  return JSON.stringify(stored);
}

export interface NewAbTest {
  testId: string;
  name: string;
  testType: AbTestRow["test_type"];
  postIds: readonly string[];
  metric: AbMetric;
  minSample: number;
  alpha: number;
  createdBy: string;
  now: string;
}

/** The test as created, evaluated at once: it may already be decided. */
export function insertAbTest(scope: TenantScope, t: NewAbTest, result: AbTestResult): D1PreparedStatement {
  const decided = result.winner !== "inconclusive";
  return scope.db
    .prepare(
      `INSERT INTO ab_tests (test_id, tenant_id, test_name, test_type, variant_a_post_id, variant_b_post_id,
         variant_c_post_id, winner, p_value, confidence_level, uplift, status, started_at, completed_at, metric,
         min_sample, alpha, results, evaluated_at, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      t.testId,
      scope.tenantId,
      t.name,
      t.testType,
      t.postIds[0] as string,
      t.postIds[1] as string,
      t.postIds[2] ?? null,
      result.winner,
      result.p_value,
      result.confidence_level,
      result.uplift,
      decided ? "completed" : "running",
      t.now,
      decided ? t.now : null,
      t.metric,
      t.minSample,
      t.alpha,
      storedResults(result, t.postIds),
      t.now,
      t.createdBy,
    );
}

/**
 * Stores a new evaluation of a running test; `complete` also closes it. Only a
 * running test changes: a test completed meanwhile by a concurrent request keeps
 * the verdict it was decided on (the statement then changes no row).
 */
export function recordEvaluation(
  scope: TenantScope,
  row: AbTestRow,
  result: AbTestResult,
  now: string,
): D1PreparedStatement {
  const complete = result.winner !== "inconclusive";
  return scope.db
    .prepare(
      `UPDATE ab_tests SET winner = ?, p_value = ?, confidence_level = ?, uplift = ?, results = ?, evaluated_at = ?,
         status = ?, completed_at = ?
       WHERE tenant_id = ? AND test_id = ? AND status = 'running'`,
    )
    .bind(
      result.winner,
      result.p_value,
      result.confidence_level,
      result.uplift,
      storedResults(result, variantPostIds(row)),
      now,
      complete ? "completed" : "running",
      complete ? now : null,
      scope.tenantId,
      row.test_id,
    );
}

export function getAbTest(scope: TenantScope, id: string): Promise<AbTestRow | null> {
  return scope.db
    .prepare("SELECT * FROM ab_tests WHERE tenant_id = ? AND test_id = ?")
    .bind(scope.tenantId, id)
    .first<AbTestRow>();
}

/** Newest first (ids are ULIDs), before `beforeId`. */
export async function listAbTests(
  scope: TenantScope,
  options: { beforeId?: string; limit: number; status?: AbTestStatus },
): Promise<{ rows: AbTestRow[]; hasMore: boolean }> {
  const where = ["tenant_id = ?"];
  const params: (string | number)[] = [scope.tenantId];
  if (options.beforeId) {
    where.push("test_id < ?");
    params.push(options.beforeId);
  }
  if (options.status) {
    where.push("status = ?");
    params.push(options.status);
  }
  const { results } = await scope.db
    .prepare(`SELECT * FROM ab_tests WHERE ${where.join(" AND ")} ORDER BY test_id DESC LIMIT ?`)
    .bind(...params, options.limit + 1)
    .all<AbTestRow>();
  return { rows: results.slice(0, options.limit), hasMore: results.length > options.limit };
}

export function toAbTest(row: AbTestRow) {
  const results = parseJson<StoredResults | null>(row.results, null);
  const ids = variantPostIds(row);
  return {
    id: row.test_id,
    name: row.test_name,
    test_type: row.test_type,
    metric: row.metric,
    metric_definition: METRIC_DEFINITIONS[row.metric],
    min_sample: row.min_sample,
    alpha: row.alpha,
    status: row.status,
    winner: row.winner,
    p_value: row.p_value,
    confidence_level: row.confidence_level,
    uplift: row.uplift,
    reason: results?.reason ?? null,
    variants:
      results?.variants ??
      // A row written outside the API, never evaluated: its posts, without figures.
      ids.map((post_id, i) => ({
        label: VARIANT_LABELS[i] as VariantLabel,
        post_id,
        successes: 0,
        trials: 0,
        rate: null,
      })),
    comparisons: results?.comparisons ?? [],
    created_by: row.created_by,
    started_at: iso(row.started_at),
    completed_at: isoOrNull(row.completed_at),
    evaluated_at: isoOrNull(row.evaluated_at),
  };
}
