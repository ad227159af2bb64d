// Every statement of src/core/db, run through the function the Worker itself calls, on a
// generated tenant: the cases bench:scale measures (with and without the planner's
// statistics) and test/db/bounded-reads.test.ts holds to their bound. A case's name says
// what the API does with it.
//
// Kinds:
//   read   a list, report or lookup: at most 2 × rows returned + 100 rows read;
//   write  at most 2 × rows returned + 6 × rows changed + 100 rows read: what a write
//          answers is the rows it changes (D1's meta.changes), and D1 counts 4 to 6 rows
//          read for each (its key's index entry, the row, the entries its new values
//          replace; a key list's own rows from json_each): measured, a json-listed UPDATE
//          of 100 rows read 500 and a DELETE 400, whatever the table's size;
//   job    upkeep (a rebuild, retention, roll-ups): within the budget its own module
//          states (./jobs.ts).
// A case may prepare rows first (`setup`, not measured), so a write finds work to do
// each time it runs.
//
// The shard's cases are ./statement-reads.ts and ./statement-writes.ts, the global
// database's ./statement-registry.ts, the jobs' ./jobs.ts.
import { residentDatabase } from "../../../src/core/db/resident-database";
import type { TenantScope } from "../../../src/core/db/tenant-scope";
import type { GeneratedTenant } from "./generate";
import { jobCases } from "./jobs";
import { Recorder } from "./recorder";
import { readCases } from "./statement-reads";
import { registryCases } from "./statement-registry";
import { writeCases } from "./statement-writes";

export type CaseKind = "read" | "write" | "job";

/** What a case runs against: the tenant's scope and the databases, each recording every statement. */
export interface CaseContext {
  tenant: GeneratedTenant;
  /** Another tenant of the shard (a small one), for the jobs that delete. */
  neighbour: GeneratedTenant;
  /** The tenant's scope on the recording shard (its writes fenced, the fence recorded too). */
  scope: TenantScope;
  shard: D1Database;
  global: D1Database;
  /** The same databases, not recorded: for a case's setup. */
  raw: { shard: D1Database; global: D1Database };
  shardName: string;
  /** The dataset's "now": the last instant it holds. */
  nowMs: number;
  /** Days the dataset's history spans. */
  days: number;
  /** An environment of the recording databases, for the jobs that take one. */
  env: Env;
}

export interface StatementCase {
  name: string;
  kind: CaseKind;
  /** Which database it reads: the big tenant's shard, or the global registry. */
  database: "shard" | "global";
  /** Jobs: rows read the job's own budget allows this run (./jobs.ts). */
  budget?: (ctx: CaseContext) => Promise<number> | number;
  setup?: (ctx: CaseContext) => Promise<unknown>;
  run: (ctx: CaseContext) => Promise<unknown>;
}

/** The read bound of lists, reports and lookups, and of writes with the rows they change. */
export function bound(kind: CaseKind, returned: number, changes: number): number {
  return kind === "write" ? 2 * returned + 6 * changes + 100 : 2 * returned + 100;
}

export function statementCases(): StatementCase[] {
  return [...readCases(), ...writeCases(), ...registryCases(), ...jobCases()];
}

/** What a case runs against before its databases are wrapped in recorders. */
export interface CaseTarget {
  tenant: GeneratedTenant;
  neighbour: GeneratedTenant;
  shard: D1Database;
  global: D1Database;
  shardName: string;
  nowMs: number;
  days: number;
  /** The rest of the environment the jobs read (bindings other than the two databases). */
  env: Record<string, unknown>;
}

export interface CaseMeasure {
  name: string;
  kind: CaseKind;
  database: StatementCase["database"];
  statements: number;
  rowsRead: number;
  rowsReturned: number;
  rowsWritten: number;
  changes: number;
  /** The most the case may read: its bound, or a job's budget. */
  limit: number;
  /** Where each statement was prepared (recorder.ts), for the test that every statement of src/core/db has a case. */
  sites: string[];
  detail: { sql: string; site: string | null; read: number; written: number; returned: number; plan?: string[] }[];
}

/** EXPLAIN QUERY PLAN of a recorded statement, on the database that ran it. */
async function planOf(db: D1Database, sql: string, params: unknown[]): Promise<string[]> {
  try {
    const { results } = await db
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .bind(...params)
      .all<{ detail: string }>();
    return results.map((p) => p.detail);
  } catch {
    return [];
  }
}

/** Runs `c` once on `target` through recording databases, its setup unrecorded; `explain` adds each statement's plan. */
export async function measureCase(c: StatementCase, target: CaseTarget, explain = false): Promise<CaseMeasure> {
  const shard = new Recorder(target.shard);
  const global = new Recorder(target.global);
  const shardDb = shard.db;
  const globalDb = global.db;
  const env = { ...target.env, DB: globalDb, [target.shardName]: shardDb } as unknown as Env;
  const ctx: CaseContext = {
    tenant: target.tenant,
    neighbour: target.neighbour,
    scope: {
      tenantId: target.tenant.tenantId,
      shard: target.shardName,
      db: residentDatabase(shardDb, target.tenant.tenantId, target.shardName),
    },
    shard: shardDb,
    global: globalDb,
    raw: { shard: target.shard, global: target.global },
    shardName: target.shardName,
    nowMs: target.nowMs,
    days: target.days,
    env,
  };
  const rawCtx: CaseContext = {
    ...ctx,
    scope: {
      tenantId: target.tenant.tenantId,
      shard: target.shardName,
      db: residentDatabase(target.shard, target.tenant.tenantId, target.shardName),
    },
    shard: target.shard,
    global: target.global,
  };
  try {
    await c.setup?.(rawCtx);
  } catch (error) {
    throw new Error(`${c.name}: its setup failed: ${String(error)}`);
  }
  const limit = c.kind === "job" ? await (c.budget as NonNullable<StatementCase["budget"]>)(rawCtx) : Number.NaN;
  try {
    await c.run(ctx);
  } catch (error) {
    throw new Error(`${c.name}: ${String(error)}`);
  }
  const log = [
    ...shard.log.map((r) => ({ ...r, db: target.shard })),
    ...global.log.map((r) => ({ ...r, db: target.global })),
  ];
  const plans = explain ? await Promise.all(log.map((r) => planOf(r.db, r.sql, r.params))) : [];
  const sum = (pick: (r: (typeof log)[number]) => number) => log.reduce((n, r) => n + pick(r), 0);
  const rowsReturned = sum((r) => r.rowsReturned);
  const rowsWritten = sum((r) => r.rowsWritten);
  return {
    name: c.name,
    kind: c.kind,
    database: c.database,
    statements: log.length,
    rowsRead: sum((r) => r.rowsRead),
    rowsReturned,
    rowsWritten,
    changes: sum((r) => r.changes),
    limit:
      c.kind === "job"
        ? limit
        : bound(
            c.kind,
            rowsReturned,
            sum((r) => r.changes),
          ),
    sites: log.map((r) => r.site ?? ""),
    detail: log.map((r, i) => ({
      sql: r.sql.slice(0, 240),
      site: r.site,
      read: r.rowsRead,
      written: r.rowsWritten,
      returned: r.rowsReturned,
      ...(explain ? { plan: plans[i] } : {}),
    })),
  };
}
