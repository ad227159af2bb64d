// Where a tenant's values could be left, scanned whole: every table of every D1 database
// (the global one and each shard; every text column of every row), its TenantObject's
// storage (every table its SQLite holds), the vector indexes (ids, namespaces and
// metadata of every vector) and R2 (every object of every region's bucket, its key and
// its content). Each trace
// names its place, so a failure says where something was left.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { REGIONS, type Region } from "../../src/core/db/tenants";
import { archiveBucket } from "../../src/core/retention/archive-bucket";
import { VECTOR_INDEXES } from "../../src/core/vector/indexes";
import { everyDatabase } from "../support/databases";
import { tenantObjectOf } from "../support/objects";

export interface Trace {
  /** database.table.column, object:<table>.<column>, vectors:<index>, r2:<bucket>. */
  place: string;
  value: string;
}

function tracesIn(place: string, row: Record<string, unknown>, values: readonly string[]): Trace[] {
  const found: Trace[] = [];
  for (const [column, cell] of Object.entries(row)) {
    if (typeof cell !== "string") continue;
    for (const value of values) if (cell.includes(value)) found.push({ place: `${place}.${column}`, value });
  }
  return found;
}

/** Every text cell of every table of every D1 database that holds one of `values`. */
export async function d1Traces(values: readonly string[]): Promise<Trace[]> {
  const found: Trace[] = [];
  for (const { name, db } of everyDatabase()) {
    const { results: tables } = await db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name",
      )
      .all<{ name: string }>();
    const read = await db.batch<Record<string, unknown>>(tables.map((t) => db.prepare(`SELECT * FROM "${t.name}"`)));
    tables.forEach((table, i) => {
      for (const row of read[i]?.results ?? []) found.push(...tracesIn(`${name}.${table.name}`, row, values));
    });
  }
  return found;
}

/**
 * The tables of the tenant's object's SQLite (the runtime's own _cf_ tables left out),
 * its key-value keys, and its alarm.
 */
export async function objectStorage(
  tenantId: string,
): Promise<{ tables: string[]; keys: string[]; alarm: number | null }> {
  return runInDurableObject(tenantObjectOf(tenantId), async (_instance: TenantObject, state) => ({
    keys: [...(await state.storage.list()).keys()],
    tables: state.storage.sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .toArray()
      .map((row) => row.name),
    alarm: await state.storage.getAlarm(),
  }));
}

/**
 * Every text cell of the tenant's object's SQLite tables, and every key and text value
 * of its key-value storage (the runtime keeps it in tables of its own, read through
 * the storage API), holding one of `values`.
 */
export async function objectTraces(tenantId: string, values: readonly string[]): Promise<Trace[]> {
  return runInDurableObject(tenantObjectOf(tenantId), async (_instance: TenantObject, state) => {
    const sql = state.storage.sql;
    const tables = sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
      )
      .toArray();
    const found: Trace[] = [];
    for (const { name } of tables) {
      for (const row of sql.exec(`SELECT * FROM "${name}"`).toArray()) {
        found.push(...tracesIn(`object:${name}`, row as Record<string, unknown>, values));
      }
    }
    for (const [key, value] of await state.storage.list()) {
      found.push(
        ...tracesIn("object:kv", { key, value: typeof value === "string" ? value : JSON.stringify(value) }, values),
      );
    }
    return found;
  });
}

/** Every vector of every index whose id, namespace or metadata holds one of `values`. */
export async function vectorTraces(values: readonly string[]): Promise<Trace[]> {
  const found: Trace[] = [];
  for (const spec of Object.values(VECTOR_INDEXES)) {
    const rows = await runInDurableObject(env.VectorIndexObject.getByName(spec.name), (_instance, state) =>
      state.storage.sql
        .exec<{ id: string; namespace: string | null; metadata: string | null }>(
          "SELECT id, namespace, metadata FROM vectors",
        )
        .toArray(),
    );
    for (const row of rows) found.push(...tracesIn(`vectors:${spec.name}`, row, values));
  }
  return found;
}

/** Every key of every region's bucket. */
export async function r2Keys(): Promise<{ bucket: Region; key: string }[]> {
  const keys: { bucket: Region; key: string }[] = [];
  for (const region of REGIONS) {
    const bucket = archiveBucket(env, region);
    let cursor: string | undefined;
    do {
      const page = await bucket.list({ cursor, limit: 1000 });
      keys.push(...page.objects.map((object) => ({ bucket: region, key: object.key })));
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
  }
  return keys;
}

/** An object's text: gunzipped when it is a .gz (the audit archive's day objects). */
async function bodyText(bucket: R2Bucket, key: string): Promise<string> {
  const object = await bucket.get(key);
  if (!object) return "";
  const stream = key.endsWith(".gz") ? object.body.pipeThrough(new DecompressionStream("gzip")) : object.body;
  return new Response(stream).text();
}

/** Every object of every bucket whose key or content holds one of `values`. */
export async function r2Traces(values: readonly string[]): Promise<Trace[]> {
  const found: Trace[] = [];
  for (const { bucket, key } of await r2Keys()) {
    const text = await bodyText(archiveBucket(env, bucket), key);
    for (const value of values) {
      if (key.includes(value)) found.push({ place: `r2:${bucket}`, value });
      else if (text.includes(value)) found.push({ place: `r2:${bucket}:content`, value });
    }
  }
  return found;
}
