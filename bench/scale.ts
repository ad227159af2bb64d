// npm run bench:scale: D1 at scale (docs/benchmarks.md). Fills one local shard and the
// global database with a generated dataset (by default one 50,000-post tenant among
// 3,000 tenants of about 60 posts, every table the product writes filled at the ratios
// of bench/scale/worker/generate.ts, generate-rest.ts and registry.ts), then runs every
// statement of src/core/db and every job through the Worker's own code
// (bench/scale/worker/statements.ts, a bench entry in wrangler's test harness) for the
// big tenant and a small one, twice: with the planner's statistics (PRAGMA optimize)
// and without (sqlite_stat1 emptied, as on a fresh shard). It sweeps the viral report,
// built on ten-day buckets, over a year of "today" values both ways, and reports what D1
// counts: rows read, returned and written against each statement's bound or job's
// budget; rows written per published and flushed post; bytes and rows per table.
// Prints tables and writes bench/results/scale-<time>.json.
//
// Sizes: BENCH_SCALE_TENANTS (small tenants, 3000), BENCH_SCALE_POSTS (their posts,
// about 60), BENCH_SCALE_BIG_POSTS (50000), BENCH_SCALE_DAYS (365: posts spread over, and
// the days the sweep walks).
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { unstable_readConfig } from "wrangler";
import { RUNTIME } from "./local-runtime.ts";
import { harnessFor, type Measured, type ScaleResult, type Swept, summarise } from "./scale/report.ts";
import { objectSizes, shardFile } from "./scale/sizes.ts";

const SMALL = Number(process.env.BENCH_SCALE_TENANTS ?? 3000);
const SMALL_POSTS = Number(process.env.BENCH_SCALE_POSTS ?? 60);
const BIG_POSTS = Number(process.env.BENCH_SCALE_BIG_POSTS ?? 50_000);
const DAYS = Number(process.env.BENCH_SCALE_DAYS ?? 365);

const runStartedMs = Date.now();
const config = unstable_readConfig({ config: "./wrangler.toml", env: "dev" }, {});
const { harness, call } = await harnessFor(config.compatibility_date as string);
const started = performance.now();
const seconds = () => Math.round((performance.now() - started) / 1000);

// The dataset's "now": every row and every measurement is dated from it.
const nowMs = Date.now();
const skills = Array.from({ length: 20 }, (_, i) => `skl_BENCH${String(i).padStart(21, "0")}`);
const dataset = { skills, nowMs, days: DAYS };
type Tenant = { tenantId: string; posts: number } & Record<string, unknown>;
const generate = (tenants: { index: number; posts: number }[]) => call<Tenant[]>("/generate", { ...dataset, tenants });

console.log(`generating: 1 tenant of ${BIG_POSTS} posts and ${SMALL} of about ${SMALL_POSTS} ...`);
await call("/registry", dataset);
const [big] = await generate([{ index: 0, posts: BIG_POSTS }]);
console.log(`  big tenant done (${seconds()} s)`);
let small: Tenant | undefined;
// Another small tenant: the one the small tenant's measurement prunes (jobs.ts).
let smallNeighbour: Tenant | undefined;
let posts = BIG_POSTS;
const GROUP = 25;
for (let from = 1; from <= SMALL; from += GROUP) {
  const group = Array.from({ length: Math.min(GROUP, SMALL - from + 1) }, (_, i) => ({
    index: from + i,
    // 60 on average, between 30 and 90.
    posts: Math.max(1, SMALL_POSTS - 30 + (((from + i) * 37) % 61)),
  }));
  const made = await generate(group);
  small ??= made[0];
  smallNeighbour ??= made[1];
  posts += group.reduce((n, t) => n + t.posts, 0);
  if ((from - 1) % 500 === 0) console.log(`  ${from + group.length - 1} small tenants (${seconds()} s)`);
}
const generateSeconds = seconds();
const size = await call<{ bytes: number; globalBytes: number }>("/size");
console.log(
  `generated ${posts} posts in ${generateSeconds} s; the shard holds ${(size.bytes / 2 ** 20).toFixed(0)} MiB, the global database ${(size.globalBytes / 2 ** 20).toFixed(0)} MiB`,
);

const measured: Measured[] = [];
const swept: Swept[] = [];
const statistics: Record<string, unknown> = {};
for (const mode of ["present", "absent"] as const) {
  statistics[mode] = await call("/statistics", { mode });
  console.log(`statistics ${mode}: ${JSON.stringify(statistics[mode])}; measuring (${seconds()} s) ...`);
  for (const [label, tenant, neighbour] of [
    ["big", big, smallNeighbour],
    ["small", small, smallNeighbour],
  ] as const) {
    const rows = await call<Measured["rows"]>("/measure", { ...dataset, tenant, neighbour, statistics: mode });
    measured.push({ statistics: mode, tenant: label, rows });
  }
  const sweep = await call<Swept["windows"]>("/sweep", { ...dataset, tenant: big });
  swept.push({ statistics: mode, windows: sweep });
}
const measureSeconds = seconds() - generateSeconds;
// Rows written per post and bytes per post last: they add posts to the big tenant.
const writes = await call<ScaleResult["writes"]>("/writes", { tenant: big });
const flush = await call<ScaleResult["flush"]>("/flush", { tenant: big });
const bytes = await call<ScaleResult["bytes"]>("/bytes", { tenant: big, count: 2000 });

// Bytes and rows per table and index, from SQLite's dbstat on the local shard's file (D1 has none).
const file = shardFile(runStartedMs);
const sizes = file ? objectSizes(file) : [];
if (!file) console.log("the local shard's file was not found: no size per table and index");

const result: ScaleResult = {
  date: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model ?? "unknown",
    memoryGb: Math.round(totalmem() / 2 ** 30),
    runtime: RUNTIME,
  },
  dataset: {
    bigTenantPosts: BIG_POSTS,
    smallTenants: SMALL,
    smallTenantPosts: SMALL_POSTS,
    posts,
    days: DAYS,
    generateSeconds,
    measureSeconds,
    shardBytes: size.bytes,
    globalBytes: size.globalBytes,
    statistics,
  },
  measured,
  swept,
  writes,
  flush,
  bytes,
  sizes,
};
const { json, table } = summarise(result);
console.log(table);
mkdirSync("bench/results", { recursive: true });
const out = `bench/results/scale-${result.date.replace(/[:.]/g, "-")}.json`;
writeFileSync(out, `${JSON.stringify(json, null, 2)}\n`);
console.log(`wrote ${out} (${seconds()} s in all)`);
await harness.close();
process.exit(0);
