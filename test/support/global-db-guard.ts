// Runs before every test file: a statement prepared on the global database (env.DB)
// that names a tenant-owned table fails the test at once, wherever it was made (the
// router, a Durable Object, a job: they share these bindings in tests). With the
// schema's own proof (the global database has no tenant table, test/schema), this is
// the lint of ARCHITECTURE.md, Placement: tenant rows are reached through the TenantScope.
import { env } from "cloudflare:workers";
import { TENANT_TABLES } from "../../src/core/placement/move/tenant-tables";

const TENANT_TABLE = new RegExp(`\\b(${TENANT_TABLES.map((table) => table.name).join("|")}|tenant_residency)\\b`, "i");

/** The statement without its string literals and comments (a table named in a string is data). */
function sqlText(query: string): string {
  return query
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/--[^\n]*/g, "")
    .replace(/\/\*[\s\S]*?\*\//g, "");
}

/** Marks the guarded prepare: files that share a worker (vitest.config.ts) run this file each, and wrap once. */
const GUARDED = Symbol.for("global-db-guard");

if (!(GUARDED in env.DB.prepare)) {
  const prepare = env.DB.prepare.bind(env.DB);
  const guarded = (query: string) => {
    const match = TENANT_TABLE.exec(sqlText(query));
    if (match) throw new Error(`a tenant-owned table (${match[1]}) was reached through the global database: ${query}`);
    return prepare(query);
  };
  Object.defineProperty(guarded, GUARDED, { value: true });
  env.DB.prepare = guarded;
}
