// Watches every statement the shards run, wherever it was made (the router, a
// TenantObject, a job: in tests they share these bindings), and names each one made
// outside the TenantScope (src/core/db/tenant-scope.ts). The rules, from docs/placement.md
// ("Every statement stays in its tenant's database") and src/core/db/resident-database.ts:
//
//   - a write runs only in a batch whose first statement is the tenant's residency
//     fence (what a scope's batch() sends), every other statement of it prepared by a
//     scope; or in the batch that creates a tenant (its first statement inserts the
//     residency row the fence checks: src/core/placement/provision-tenant.ts);
//   - a read is prepared by a scope, or is one of the system's cross-tenant reads,
//     listed below by the file that runs it (the caller in the stack) and why no
//     scope can make it.
//
// The mover (objects/placement/tenant-move.ts) writes residency rows and copies rows on
// raw bindings by design, and so does a tenant's erasure (src/core/erasure: the tenant is
// fenced first); a flow that moves or erases a tenant is not watched by this guard.
import { env } from "cloudflare:workers";
import { preparedInScope, residencyFence } from "../../src/core/db/resident-database";
import { allShards } from "../../src/core/placement/shards";

interface Statement {
  statement: string;
  dbSession: unknown;
}

/**
 * Reads made on purpose outside any scope, by the file that runs them: each spans the
 * shard's tenants, or none of them.
 */
const CROSS_TENANT_READS: Record<string, string> = {
  "src/core/retention/due.ts": "which of a page of the directory's tenants have history past their period",
  "src/core/placement/repair.ts": "directory rows whose tenant or key the shard does not hold",
  "src/core/placement/choose-shard.ts": "is the shard reachable (SELECT 1)",
  "src/core/skills/metric-facts.ts": "the day's skill uses of every resident tenant (the metrics roll-up)",
  "src/core/skills/evidence.ts": "how many resident tenants used each skill",
  "src/core/db/optimize.ts": "PRAGMA optimize, planner statistics",
  "src/core/db/schema-version.ts": "the shard's applied migrations (GET /v1/health)",
};

/** The repository path of the file that called into the binding (the first frame outside this one). */
function callerFile(stack: string | undefined): string | null {
  for (const line of (stack ?? "").split("\n").slice(1)) {
    const match = /\/(src|objects|test)\/([^:)]+):\d+/.exec(line);
    if (!match) continue;
    const file = `${match[1]}/${match[2]}`;
    if (file !== "test/support/shard-guard.ts") return file;
  }
  return null;
}

const FENCE = (residencyFence(env.DB, "tenant") as unknown as Statement).statement;
const PROVISIONING = /^\s*INSERT INTO tenant_residency\b/i;

/** The statement without string literals and comments (a keyword in a string is data). */
function sqlText(query: string): string {
  return query
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/--[^\n]*/g, "")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .trim();
}

export function isWrite(query: string): boolean {
  const sql = sqlText(query);
  if (/^(INSERT|UPDATE|DELETE|REPLACE)\b/i.test(sql)) return true;
  // A common table expression ahead of the write.
  return /^WITH\b/i.test(sql) && /\)\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i.test(sql);
}

export interface ShardGuard {
  /** Every statement made outside the TenantScope, with the shard and the rule it broke. */
  readonly violations: string[];
  /** How many statements the shards ran while watched, by kind. */
  readonly seen: { fencedBatches: number; statements: number; crossTenantReads: number };
  stop(): void;
}

/** Starts watching every shard binding; stop() puts the bindings back. */
export function watchShards(): ShardGuard {
  const shards = allShards(env);
  const sessions = new Map<unknown, string>(
    shards.map((shard) => [
      (shard.db as unknown as { alwaysPrimarySession: unknown }).alwaysPrimarySession,
      shard.name,
    ]),
  );
  const violations: string[] = [];
  const seen = { fencedBatches: 0, statements: 0, crossTenantReads: 0 };

  const checkRead = (shard: string, statement: D1PreparedStatement, how: string) => {
    const { statement: sql } = statement as unknown as Statement;
    seen.statements += 1;
    const by = callerFile(new Error().stack);
    if (isWrite(sql)) {
      violations.push(`${shard}: a write outside a fenced batch (${how}, by ${by}): ${sql}`);
    } else if (!preparedInScope(statement)) {
      if (by !== null && by in CROSS_TENANT_READS) seen.crossTenantReads += 1;
      else violations.push(`${shard}: a read not prepared by a TenantScope (${how}, by ${by}): ${sql}`);
    }
  };

  const checkBatch = (shard: string, statements: D1PreparedStatement[]) => {
    const [first, ...rest] = statements;
    if (!first) return;
    const head = (first as unknown as Statement).statement;
    const provisioning =
      PROVISIONING.test(head) && callerFile(new Error().stack) === "src/core/placement/provision-tenant.ts";
    if (head === FENCE || provisioning) {
      if (head === FENCE) seen.fencedBatches += 1;
      for (const statement of rest) {
        seen.statements += 1;
        if (!preparedInScope(statement)) {
          violations.push(
            `${shard}: a statement not prepared by a TenantScope in a fenced batch: ${(statement as unknown as Statement).statement}`,
          );
        }
      }
      return;
    }
    for (const statement of statements) checkRead(shard, statement, "an unfenced batch");
  };

  const proto = Object.getPrototypeOf(env.DB.prepare("SELECT 1")) as Record<string, unknown>;
  const methods = ["run", "all", "first", "raw"] as const;
  const original = new Map(methods.map((m) => [m, proto[m] as (...args: unknown[]) => unknown]));
  for (const method of methods) {
    const run = original.get(method) as (...args: unknown[]) => unknown;
    proto[method] = function (this: D1PreparedStatement, ...args: unknown[]) {
      const shard = sessions.get((this as unknown as Statement).dbSession);
      if (shard) checkRead(shard, this, `.${method}()`);
      return run.apply(this, args);
    };
  }
  const batches = shards.map((shard) => {
    const db = shard.db;
    const batch = db.batch;
    db.batch = ((statements: D1PreparedStatement[]) => {
      checkBatch(shard.name, statements);
      return batch.call(db, statements);
    }) as D1Database["batch"];
    const exec = db.exec;
    db.exec = (query: string) => {
      violations.push(`${shard.name}: exec() outside any scope: ${query}`);
      return exec.call(db, query);
    };
    return () => {
      db.batch = batch;
      db.exec = exec;
    };
  });

  return {
    violations,
    seen,
    stop() {
      for (const [method, run] of original) proto[method] = run;
      for (const restore of batches) restore();
    },
  };
}
