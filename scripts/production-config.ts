// What `npm run deploy:check` (and `npm run deploy`) require of wrangler.toml: the
// configuration a plain `wrangler deploy` reads (its top level) must not switch on
// anything of development mode, and the dev environment must declare the same data
// bindings as production apart from the sandbox, so tests and `npm start` run the
// Worker production runs. Read with wrangler's own config reader, so environments are
// resolved exactly as wrangler resolves them for a deploy.
import { dirname, relative, resolve, sep } from "node:path";
import { experimental_readRawConfig, type Unstable_Config, unstable_readConfig } from "wrangler";
import { parsePriceTiers } from "../src/core/billing/price-tiers.ts";

/** The Durable Object class (and binding) of the sandbox platforms. */
const SANDBOX_CLASS = "SandboxPlatform";
/** The development receiver of outgoing webhooks (docs/webhooks.md): development mode's too. */
const RECEIVER_CLASS = "WebhookReceiver";
const DEVELOPMENT_CLASSES = [SANDBOX_CLASS, RECEIVER_CLASS];
/** The environment `npm start`, the tests and the benchmarks run with. */
export const DEV_ENVIRONMENT = "dev";

type Bindings = Pick<Unstable_Config, "vars" | "durable_objects" | "d1_databases" | "r2_buckets"> & {
  secrets?: { required?: string[] };
};

/** Secrets production must have: wrangler refuses a deploy without them when they are listed. */
const REQUIRED_SECRETS = ["STRIPE_WEBHOOK_SECRET"];

/** Why `production` would serve development-only things; empty when it would not. */
export function productionProblems(production: Bindings): string[] {
  const problems: string[] = [];
  const vars = production.vars ?? {};
  // Fail closed: anything that mentions the sandbox is refused, not only the exact switch.
  if (/sandbox/i.test(String(vars.PLATFORM_MODE ?? ""))) {
    problems.push(`vars.PLATFORM_MODE is "${String(vars.PLATFORM_MODE)}": production must be "live"`);
  }
  for (const binding of production.durable_objects?.bindings ?? []) {
    if (DEVELOPMENT_CLASSES.includes(binding.class_name) || DEVELOPMENT_CLASSES.includes(binding.name)) {
      problems.push(
        `durable_objects binds ${binding.name} (class ${binding.class_name}): the sandbox is development only`,
      );
    }
  }
  if (vars.OBJECT_CLOCK !== undefined) {
    problems.push("vars.OBJECT_CLOCK is set: only tests may move a TenantObject's clock");
  }
  if (vars.PASSWORD_ITERATIONS !== undefined) {
    problems.push("vars.PASSWORD_ITERATIONS is set: only tests may hash passwords with fewer than 100,000 iterations");
  }
  if (vars.DO_JURISDICTIONS !== undefined) {
    problems.push("vars.DO_JURISDICTIONS is set: production always places EU tenants' objects in the eu jurisdiction");
  }
  return [
    ...problems,
    ...platformVarProblems(production),
    ...billingProblems(production),
    ...placementProblems(production),
    ...archiveProblems(production),
  ];
}

/**
 * Platform switches whose misspelling would silently mean something else:
 * LINKEDIN_POST_ANALYTICS is "on" (the app has LinkedIn's approval for member post
 * statistics) or "off" (docs/platforms.md); "true" or "yes" would read as off.
 */
export function platformVarProblems(production: Bindings): string[] {
  const value = production.vars?.LINKEDIN_POST_ANALYTICS;
  if (value === undefined || value === "on" || value === "off") return [];
  return [`vars.LINKEDIN_POST_ANALYTICS is "${String(value)}": it must be "on" or "off"`];
}

/**
 * Stripe billing (docs/billing.md, Stripe and subscription states): the webhook's signing
 * secret is required (secrets.required, which `wrangler deploy` enforces: without the
 * secret the webhook applies nothing), and the price map parses.
 */
export function billingProblems(production: Bindings): string[] {
  const problems: string[] = [];
  const required = production.secrets?.required ?? [];
  for (const secret of REQUIRED_SECRETS) {
    if (!required.includes(secret)) {
      problems.push(`secrets.required must name ${secret} (wrangler then refuses to deploy without it)`);
    }
  }
  const tiers = parsePriceTiers(String(production.vars?.STRIPE_PRICE_TIERS ?? ""));
  if (!tiers.ok) problems.push(`vars.${tiers.problem}`);
  return problems;
}

/** The regions a deployment serves, each needing at least one shard (src/core/db/tenants.ts REGIONS). */
const REGION_PARTS = ["EU_WEST", "US_EAST", "AP_SOUTHEAST"];

/** D1 placement (ARCHITECTURE.md, Placement): the global database and shards with the right migrations. */
export function placementProblems(config: Bindings): string[] {
  const problems: string[] = [];
  const databases = config.d1_databases ?? [];
  const global = databases.find((db) => db.binding === "DB");
  if (global?.migrations_dir !== "migrations/global") {
    problems.push('the global database (binding DB) must apply migrations_dir "migrations/global"');
  }
  for (const db of databases) {
    if (db.binding === "DB") continue;
    if (!/^SHARD_[A-Z]+(?:_[A-Z]+)*_\d+$/.test(db.binding)) {
      problems.push(`D1 binding ${db.binding} is neither DB nor a shard (SHARD_<REGION>_<N>)`);
    } else if (db.migrations_dir !== "migrations/tenant") {
      problems.push(`shard ${db.binding} must apply migrations_dir "migrations/tenant"`);
    }
  }
  for (const part of REGION_PARTS) {
    if (!databases.some((db) => db.binding.startsWith(`SHARD_${part}_`))) {
      problems.push(`no shard for region ${part.toLowerCase().replace("_", "-")} (SHARD_${part}_1)`);
    }
  }
  return problems;
}

/**
 * Each region's archive (src/core/retention/archive-bucket.ts): an R2 bucket bound as
 * ARCHIVE_<REGION>, the EU one in R2's `eu` jurisdiction (residency is promised; a
 * bucket outside the jurisdiction would hold EU tenants' audit trails anywhere).
 */
export function archiveProblems(config: Bindings): string[] {
  const problems: string[] = [];
  const buckets = config.r2_buckets ?? [];
  for (const part of REGION_PARTS) {
    const bucket = buckets.find((b) => b.binding === `ARCHIVE_${part}`);
    if (!bucket) {
      problems.push(
        `no archive bucket for region ${part.toLowerCase().replace("_", "-")} (R2 binding ARCHIVE_${part})`,
      );
    } else if (part.startsWith("EU_") && bucket.jurisdiction !== "eu") {
      problems.push(`R2 bucket ARCHIVE_${part} must be in the eu jurisdiction (jurisdiction = "eu")`);
    }
  }
  return problems;
}

function names(items: readonly string[]): string {
  return [...items].sort().join(", ") || "none";
}

function sameSet(kind: string, production: string[], dev: string[]): string[] {
  const a = names(production);
  const b = names(dev);
  return a === b ? [] : [`${kind} differ: production has ${a}; [env.${DEV_ENVIRONMENT}] has ${b}`];
}

/** Where dev mode's data bindings differ from production's (the sandbox aside). */
export function parityProblems(production: Bindings, dev: Bindings): string[] {
  const d1 = (config: Bindings) =>
    (config.d1_databases ?? []).map((db) => `${db.binding}(${db.database_name ?? "?"}, ${db.migrations_dir ?? "?"})`);
  const objects = (config: Bindings) =>
    (config.durable_objects?.bindings ?? [])
      .filter((binding) => !DEVELOPMENT_CLASSES.includes(binding.class_name))
      .map((binding) => `${binding.name}(${binding.class_name})`);
  const r2 = (config: Bindings) =>
    (config.r2_buckets ?? []).map(
      (bucket) => `${bucket.binding}(${bucket.bucket_name}${bucket.jurisdiction ? `, ${bucket.jurisdiction}` : ""})`,
    );
  return [
    ...sameSet("D1 databases", d1(production), d1(dev)),
    ...sameSet("Durable Object bindings", objects(production), objects(dev)),
    ...sameSet("R2 buckets", r2(production), r2(dev)),
  ];
}

/** The entry production deploys must be the Worker's, not the benchmarks' (bench/worker, with its /bench routes). */
export function entryProblems(configPath: string, main: string | undefined): string[] {
  if (!main) return ["no main: production must deploy worker/index.ts"];
  const entry = relative(dirname(resolve(configPath)), resolve(main))
    .split(sep)
    .join("/");
  return entry.startsWith("bench/") ? [`main is ${entry}: the benchmarks' entry is development only`] : [];
}

/** Every problem of the configuration file at `path`, read as wrangler reads it. */
export function checkConfigFile(path: string): string[] {
  const production = unstable_readConfig({ config: path }, {});
  const entry = entryProblems(path, production.main);
  // Without the table, wrangler would quietly hand back the top level as "dev".
  if (!experimental_readRawConfig({ config: path }).rawConfig.env?.[DEV_ENVIRONMENT]) {
    return [...entry, ...productionProblems(production), `no [env.${DEV_ENVIRONMENT}] environment`];
  }
  const dev = unstable_readConfig({ config: path, env: DEV_ENVIRONMENT }, {});
  return [...entry, ...productionProblems(production), ...parityProblems(production, dev)];
}
