// Evaluating an A/B test against its posts' current analytics, and keeping the
// verdict: a running test is re-evaluated on every read; the first evaluation with a
// verdict (a winner or a tie) completes it, and from then on it keeps that verdict
// and the figures it was reached on. Deciding once, at the first look with enough
// data, is what keeps repeated looks ("peeking") from inflating false positives.
import type { Context } from "hono";
import { type AbMetric, metricProportion } from "../../core/analytics/ab-metrics";
import { type AbTestResult, evaluateAbTest } from "../../core/analytics/ab-test";
import { isoNow } from "../../core/clock";
import { type AbTestRow, getAbTest, recordEvaluation, variantPostIds } from "../../core/db/ab-tests";
import { isTriggerAbort } from "../../core/db/errors";
import { engagementCounts } from "../../core/db/post-engagement";
import { expectChanges, PRECONDITION_FAILED } from "../../core/db/preconditions";
import type { TenantScope } from "../../core/db/tenant-scope";
import type { AppEnv } from "./app-env";
import { commitAudited } from "./audit";

export interface TestDesign {
  postIds: readonly string[];
  metric: AbMetric;
  minSample: number;
  alpha: number;
}

/** The verdict on the variants' current post_analytics rows. */
export async function evaluateDesign(scope: TenantScope, design: TestDesign): Promise<AbTestResult> {
  const counts = await engagementCounts(scope, design.postIds);
  return evaluateAbTest({
    variants: design.postIds.map((id) => metricProportion(design.metric, counts.get(id) ?? null)),
    minSample: design.minSample,
    alpha: design.alpha,
  });
}

/** The test after evaluating it if it is still running. */
export async function refreshAbTest(c: Context<AppEnv>, scope: TenantScope, row: AbTestRow): Promise<AbTestRow> {
  if (row.status !== "running") return row;
  const result = await evaluateDesign(scope, {
    postIds: variantPostIds(row),
    metric: row.metric,
    minSample: row.min_sample,
    alpha: row.alpha,
  });
  const now = isoNow(c.var.clock);
  if (result.winner === "inconclusive") {
    // A cached evaluation, not a decision: no audit row. A write all the same, so it
    // goes through the scope's batch, fenced by the tenant's residency (`.run()` is not).
    await scope.db.batch([recordEvaluation(scope, row, result, now)]);
  } else {
    try {
      // Completing is a change of state: audited, and done once. Of concurrent readers
      // only one completes the test; the batch of any other matches no running row,
      // fails its precondition and is rolled back, audit row included.
      await commitAudited(c, scope.db, [recordEvaluation(scope, row, result, now), expectChanges(scope.db, 1)], {
        action: "ab_test.complete",
        resourceType: "ab_test",
        resourceId: row.test_id,
        metadata: { winner: result.winner, p_value: result.p_value, metric: row.metric },
      });
    } catch (error) {
      if (!isTriggerAbort(error, PRECONDITION_FAILED)) throw error;
    }
  }
  return (await getAbTest(scope, row.test_id)) ?? row;
}
