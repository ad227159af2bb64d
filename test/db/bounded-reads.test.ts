// Every statement of src/core/db reads in proportion to what it answers, with the planner's
// statistics and without them (a fresh shard has none until its first PRAGMA optimize),
// on a generated shard big enough that a plan reading a tenant's whole table, or every
// tenant's, is far over the bound (bench:scale's dataset, smaller: bench/scale/worker/).
//
// The cases are bench:scale's own (bench/scale/worker/statements.ts): a read is held to
// 2 × rows returned + 100 rows read, a write to 2 × rows returned + 6 × rows changed + 100
// (statements.ts says why), a job to the budget its module states. And every statement of src/core/db must be run by
// some case: the test counts the `.prepare(` calls in src/core/db's sources and the distinct
// places the cases' statements were prepared from (the recorder reads each statement's
// stack), file by file. A statement added later without a case fails the last test.
//
// Time is fixed (NOW), never the machine's: the dataset and every case are built from it.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type GeneratedTenant, generateGroup, generateRegistry } from "../../bench/scale/worker/generate";
import { type CaseMeasure, type CaseTarget, measureCase, statementCases } from "../../bench/scale/worker/statements";
import { dropStatistics, gatherStatistics, type Statistics } from "../../bench/scale/worker/statistics";

/** The dataset's last instant: a fixed one. */
const NOW = Date.UTC(2027, 2, 14, 9, 30);
const DAYS = 365;
const SHARD = "SHARD_US_EAST_1";
/** One tenant of 4,000 posts (and everything else in proportion) among 60 of about 30. */
const BIG_POSTS = 4000;
const SMALL_TENANTS = 60;

/** src/core/db's sources (the pattern also finds them under a layer's folder, src/<layer>/db). */
const SOURCES = import.meta.glob<string>(["../../src/db/**/*.ts", "../../src/*/db/**/*.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
});

/** The source without its comments (a URL's `//` in a string is kept). */
function code(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/[^\n]*/g, "$1");
}

/**
 * The statements each file of src/core/db prepares: its `.prepare(` calls, but a tenant
 * scope's own prepare, which hands every statement to the binding
 * (src/core/db/resident-database.ts: `prepare: (query) => inScope(db.prepare(query))`).
 */
function preparedIn(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [path, source] of Object.entries(SOURCES)) {
    const text = code(source);
    const calls = text.match(/\.prepare\(/g)?.length ?? 0;
    const delegating = text.match(/prepare:\s*\([^)]*\)\s*=>[^\n]*\.prepare\(/g)?.length ?? 0;
    if (calls - delegating > 0) counts.set(path.replace(/^(\.\.\/)+/, ""), calls - delegating);
  }
  return counts;
}

let target: CaseTarget;
const measured = new Map<Statistics, CaseMeasure[]>();

beforeAll(async () => {
  const shard = (env as unknown as Record<string, D1Database>)[SHARD] as D1Database;
  const skills = Array.from({ length: 20 }, (_, i) => `skl_BOUNDED${String(i).padStart(18, "0")}`);
  const options = { skills, nowMs: NOW, days: DAYS };
  const where = { shard, global: env.DB, shardName: SHARD };
  await generateRegistry(env.DB, options);
  const [big] = await generateGroup(where, [{ index: 0, posts: BIG_POSTS }], options);
  const small: GeneratedTenant[] = [];
  for (let from = 1; from <= SMALL_TENANTS; from += 20) {
    const group = Array.from({ length: 20 }, (_, i) => ({ index: from + i, posts: 15 + (((from + i) * 37) % 31) }));
    small.push(...(await generateGroup(where, group, options)));
  }
  const { [SHARD]: _shard, DB: _db, ...rest } = env as unknown as Record<string, unknown>;
  target = {
    tenant: big as GeneratedTenant,
    neighbour: small[0] as GeneratedTenant,
    shard,
    global: env.DB,
    shardName: SHARD,
    nowMs: NOW,
    days: DAYS,
    // The other shards are left out: jobs over every shard read this one.
    env: Object.fromEntries(Object.entries(rest).filter(([name]) => !name.startsWith("SHARD_"))),
  };
}, 120_000);

async function measureAll(statistics: Statistics): Promise<CaseMeasure[]> {
  const results: CaseMeasure[] = [];
  for (const c of statementCases()) results.push(await measureCase(c, target));
  measured.set(statistics, results);
  return results;
}

/** Each case over its bound or budget, named with what it read. */
function overLimit(results: CaseMeasure[]): string[] {
  return results
    .filter((r) => !(r.rowsRead <= r.limit))
    .map(
      (r) =>
        `${r.name} (${r.kind}): ${r.rowsRead} rows read, ${r.rowsReturned} returned, ${r.changes} changed; limit ${r.limit}\n    ${r.detail
          .map((d) => `${d.read} read / ${d.returned}: ${d.sql.slice(0, 140)}`)
          .join("\n    ")}`,
    );
}

describe("every statement of src/core/db, on a big tenant", () => {
  it("reads within its bound (or its job's budget) with the planner's statistics", async () => {
    const stats = (await gatherStatistics(target.shard)) + (await gatherStatistics(target.global));
    expect(stats, "PRAGMA optimize left statistics").toBeGreaterThan(20);
    const results = await measureAll("present");
    for (const r of results) expect(r.statements, `${r.name} ran a statement`).toBeGreaterThan(0);
    expect(overLimit(results)).toEqual([]);
  }, 60_000);

  it("reads within its bound (or its job's budget) without them, as on a fresh shard", async () => {
    expect((await dropStatistics(target.shard)) + (await dropStatistics(target.global))).toBe(0);
    expect(overLimit(await measureAll("absent"))).toEqual([]);
  }, 60_000);

  it("has a case for every statement: each `.prepare(` of src/core/db is reached by one", () => {
    const reached = new Map<string, Set<string>>();
    for (const results of measured.values()) {
      for (const r of results) {
        for (const site of r.sites) {
          const match = /^(src\/(?:[^/:]+\/)?db\/[^:]+):(\d+:\d+) ?(.*)$/.exec(site);
          if (!match) continue;
          const [, file, position, fn] = match as unknown as [string, string, string, string];
          const sites = reached.get(file as string) ?? new Set();
          sites.add(`${position} ${fn}`);
          reached.set(file, sites);
        }
      }
    }
    expect(measured.size, "both runs above measured").toBe(2);
    const files = preparedIn();
    expect(files.size, "src/core/db's sources were read").toBeGreaterThan(30);
    // Every file short of cases, named with what its cases reach, in one failure.
    const short = [...files].flatMap(([file, count]) => {
      const seen = reached.get(file) ?? new Set();
      return seen.size === count
        ? []
        : [
            `${file} prepares ${count} statements; the cases reach ${seen.size} (from: ${[...seen].join(", ") || "none"})`,
          ];
    });
    expect(short, "add a case to bench/scale/worker/ for each").toEqual([]);
    for (const file of reached.keys()) expect(files.has(file), `${file} is counted`).toBe(true);
  });
});
