// npm run bench:scale: D1 at scale (docs/benchmarks.md). Fills one local shard with a generated
// dataset (by default one 50,000-post tenant among 3,000 tenants of about 60 posts,
// with audit rows, generated content, conversions and sync errors in fixed proportions
// per post), then runs the Worker's hot statements through its own code
// (bench/scale/worker, a bench entry in wrangler's test harness) for the big tenant
// and a small one, and reports what D1 counts: rows read, rows returned, rows written;
// rows written per published post and per flushed post; bytes per post.
// Prints a table and writes bench/results/scale-<time>.json.
//
// Sizes: BENCH_SCALE_TENANTS (small tenants, 3000), BENCH_SCALE_POSTS (their posts,
// about 60), BENCH_SCALE_BIG_POSTS (50000), BENCH_SCALE_DAYS (365: posts spread over).
// BENCH_SCALE_OPTIMIZE=off measures without PRAGMA optimize's statistics.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { unstable_readConfig } from "wrangler";
import { RUNTIME } from "./local-runtime.ts";
import { harnessFor, type ScaleResult, summarise } from "./scale/report.ts";
import { objectSizes, shardFile } from "./scale/sizes.ts";

const SMALL = Number(process.env.BENCH_SCALE_TENANTS ?? 3000);
const SMALL_POSTS = Number(process.env.BENCH_SCALE_POSTS ?? 60);
const BIG_POSTS = Number(process.env.BENCH_SCALE_BIG_POSTS ?? 50_000);
const DAYS = Number(process.env.BENCH_SCALE_DAYS ?? 365);
const OPTIMIZE = process.env.BENCH_SCALE_OPTIMIZE !== "off";

const runStartedMs = Date.now();
const config = unstable_readConfig({ config: "./wrangler.toml", env: "dev" }, {});
const { harness, call } = await harnessFor(config.compatibility_date as string);
const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(0);

const nowMs = Date.now();
const skills = Array.from({ length: 20 }, (_, i) => `skl_BENCH${String(i).padStart(21, "0")}`);
type Tenant = { tenantId: string; posts: number } & Record<string, unknown>;
const generate = (tenants: { index: number; posts: number }[]) =>
  call<Tenant[]>("/generate", { tenants, skills, nowMs, days: DAYS });

console.log(`generating: 1 tenant of ${BIG_POSTS} posts and ${SMALL} of about ${SMALL_POSTS} ...`);
const [big] = await generate([{ index: 0, posts: BIG_POSTS }]);
console.log(`  big tenant done (${seconds()} s)`);
let small: Tenant | undefined;
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
  posts += group.reduce((n, t) => n + t.posts, 0);
  if ((from - 1) % 500 === 0) console.log(`  ${from + group.length - 1} small tenants (${seconds()} s)`);
}
const generateSeconds = Number(seconds());
const size = await call<{ bytes: number }>("/size");
console.log(
  `generated ${posts} posts in ${generateSeconds} s; the shard holds ${(size.bytes / 2 ** 20).toFixed(0)} MiB`,
);

const optimize = OPTIMIZE ? await call<Record<string, unknown>>("/optimize") : null;
if (optimize) {
  console.log(
    `PRAGMA optimize: ${optimize.rows_read} rows read, ${optimize.rows_written} written; sqlite_stat1 holds ${optimize.stat1_rows} rows`,
  );
}

console.log("measuring ...");
const measured = {
  big: await call<ScaleResult["measured"]["big"]>("/measure", { tenant: big }),
  small: await call<ScaleResult["measured"]["big"]>("/measure", { tenant: small }),
};
const writes = await call<ScaleResult["writes"]>("/writes", { tenant: big });
const flush = await call<ScaleResult["flush"]>("/flush", { tenant: big });
const bytes = await call<ScaleResult["bytes"]>("/bytes", { tenant: big, count: 2000 });
// Bytes per table and index, from SQLite's dbstat on the local shard's file (D1 has none).
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
    shardBytes: size.bytes,
    optimized: OPTIMIZE,
  },
  measured,
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
console.log(`wrote ${out}`);
await harness.close();
process.exit(0);
