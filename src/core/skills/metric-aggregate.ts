// The metrics of a set of candidates (the figures of skill_metrics_daily): uses, the rates of passing every
// guard, of defects, of selection and of approval, the average cost, latency p50 and
// p95 (nearest rank), and how many distinct tenants they came from.
import { nearestRank } from "../analytics/nearest-rank";
import type { Fact } from "./metric-facts";

export interface SkillMetrics {
  uses: number;
  pass_rate: number;
  defect_rate: number;
  selection_rate: number;
  approval_rate: number;
  /** Average over the candidates with a recorded cost (USD). */
  cost_avg: number;
  latency_p50: number;
  latency_p95: number;
  unique_tenants: number;
}

export class MetricsAccumulator {
  private uses = 0;
  private passed = 0;
  private defects = 0;
  private selected = 0;
  private approved = 0;
  private costSum = 0;
  private costCount = 0;
  private readonly latencies: number[] = [];
  private readonly tenants = new Set<string>();
  private readonly versions = new Map<string, number>();

  add(fact: Fact): void {
    this.uses += 1;
    this.passed += fact.passed ? 1 : 0;
    this.defects += fact.defect ? 1 : 0;
    this.selected += fact.selected ? 1 : 0;
    this.approved += fact.approved ? 1 : 0;
    if (fact.cost !== null) {
      this.costSum += fact.cost;
      this.costCount += 1;
    }
    if (fact.latencyMs !== null) this.latencies.push(fact.latencyMs);
    this.tenants.add(fact.tenantId);
    if (fact.versionId) this.versions.set(fact.versionId, (this.versions.get(fact.versionId) ?? 0) + 1);
  }

  /** The version used most (the later id on a tie), or null when none was recorded. */
  dominantVersion(): string | null {
    let best: [string, number] | null = null;
    for (const entry of this.versions) {
      if (!best || entry[1] > best[1] || (entry[1] === best[1] && entry[0] > best[0])) best = entry;
    }
    return best?.[0] ?? null;
  }

  result(): SkillMetrics {
    const rate = (n: number) => (this.uses === 0 ? 0 : n / this.uses);
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return {
      uses: this.uses,
      pass_rate: rate(this.passed),
      defect_rate: rate(this.defects),
      selection_rate: rate(this.selected),
      approval_rate: rate(this.approved),
      cost_avg: this.costCount === 0 ? 0 : this.costSum / this.costCount,
      latency_p50: nearestRank(sorted, 50),
      latency_p95: nearestRank(sorted, 95),
      unique_tenants: this.tenants.size,
    };
  }
}
