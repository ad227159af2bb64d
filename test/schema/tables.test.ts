// Every migrated database holds the tables, columns, indexes, unique constraints and
// foreign keys of the seed that belong in it: the global database its directory and
// skill registry, every shard each tenant-owned table. And no database holds what
// belongs in the other, so nothing a tenant owns can be reached through env.DB. Reads
// sqlite_master and the pragmas, never the migration files.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { allShards } from "../../src/core/placement/shards";
import { shardDbs } from "../support/databases";
import {
  BEYOND_SEED_COLUMNS,
  BEYOND_SEED_INDEXES,
  BEYOND_SEED_INDEXES_DROPPED,
  BEYOND_SEED_TABLES,
  BOUNDED_READ_INDEXES,
  BOUNDED_READS_DROPPED,
  CROSS_DATABASE_FOREIGN_KEYS,
  type Database,
  databaseOf,
  type ExpectedIndex,
  foreignKeysInPlace,
  GLOBAL_SEED_TABLES,
  GLOBAL_TABLES,
  SCALE_INDEXES,
  SEED_COMPOSITE_INDEXES,
  SEED_INDEXES,
  SEED_INDEXES_DROPPED,
  SEED_NOT_NULL_RELAXED,
  SEED_TABLES,
  TENANT_SEED_TABLES,
} from "./expected-schema";

interface ColumnInfo {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}
interface IndexInfo {
  name: string;
  unique: number;
  origin: string;
  partial: number;
}
interface IndexColumn {
  name: string | null;
  desc: number;
  key: number;
}
interface ForeignKey {
  id: number;
  table: string;
  from: string;
  to: string;
}

/** The databases a table of `where` must be in: the global one, or every shard. */
function databases(where: Database): { name: string; db: D1Database }[] {
  if (where === "global") return [{ name: "DB", db: env.DB }];
  return allShards(env).map((shard) => ({ name: shard.name, db: shard.db }));
}

async function all<T>(db: D1Database, sql: string, ...params: unknown[]): Promise<T[]> {
  return (
    await db
      .prepare(sql)
      .bind(...params)
      .all<T>()
  ).results;
}

const columnsOf = (db: D1Database, table: string) => all<ColumnInfo>(db, "SELECT * FROM pragma_table_info(?)", table);
const indexesOf = (db: D1Database, table: string) => all<IndexInfo>(db, "SELECT * FROM pragma_index_list(?)", table);
const foreignKeysOf = (db: D1Database, table: string) =>
  all<ForeignKey>(db, "SELECT * FROM pragma_foreign_key_list(?)", table);
async function indexColumns(db: D1Database, index: string): Promise<string[]> {
  const rows = await all<IndexColumn>(db, "SELECT * FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno", index);
  // An indexed expression has no column name.
  return rows.map((r) => `${r.name ?? "<expression>"}${r.desc ? " DESC" : ""}`);
}
/** The database's own tables (not D1's bookkeeping). */
async function tablesOf(db: D1Database): Promise<string[]> {
  const rows = await all<{ name: string }>(
    db,
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'd1_migrations' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name",
  );
  return rows.map((r) => r.name);
}

describe("tables", () => {
  it("has all 24 tables of the seed's §2 to §6, each in the database it belongs in, and no other", async () => {
    const seedTables = Object.keys(SEED_TABLES);
    expect([...GLOBAL_SEED_TABLES, ...TENANT_SEED_TABLES].toSorted()).toEqual(seedTables.toSorted());
    const beyond = (where: Database) =>
      BEYOND_SEED_TABLES.filter((t) => t.database === where && t.type === "table").map((t) => t.name);
    // What the databases hold, beyond the seed's tables, is exactly what later migrations add.
    const global = await tablesOf(env.DB);
    expect(global, "DB").toEqual([...GLOBAL_SEED_TABLES, ...beyond("global")].toSorted());
    for (const { name, db } of databases("shard")) {
      expect(await tablesOf(db), name).toEqual([...TENANT_SEED_TABLES, ...beyond("shard")].toSorted());
    }
    // So the seed's tables found in the databases number the seed's 24.
    const [shard] = databases("shard");
    const found = new Set([...global, ...(await tablesOf((shard as { db: D1Database }).db))]);
    expect(seedTables.filter((table) => found.has(table))).toHaveLength(24);
  });

  describe.each(Object.entries(SEED_TABLES))("%s", (table, expected) => {
    const where = databases(databaseOf(table));

    it("has every column with the seed's type, default and NOT NULL", async () => {
      for (const { name: database, db } of where) {
        const actual = new Map((await columnsOf(db, table)).map((c) => [c.name, c]));
        for (const column of expected.columns) {
          const found = actual.get(column.name);
          const label = `${database}: ${table}.${column.name}`;
          expect(found, `${label} exists`).toBeDefined();
          if (!found) continue;
          expect(found.type, `${label} type`).toBe(column.type);
          expect(found.dflt_value, `${label} default`).toBe(column.default);
          expect(found.pk > 0, `${label} primary key`).toBe(column.primaryKey);
          // Deviation (migration 0001): primary keys are NOT NULL even where the seed,
          // relying on SQLite's quirk, lets a NULL key in. And the seed's NOT NULLs a later
          // migration relaxed for rows the seed does not describe (SEED_NOT_NULL_RELAXED).
          const relaxed = SEED_NOT_NULL_RELAXED.some((r) => r.table === table && r.column === column.name);
          const notNull = (column.notNull && !relaxed) || column.primaryKey;
          expect(found.notnull === 1, `${label} NOT NULL`).toBe(notNull);
        }
      }
    });

    it("has the seed's unique constraints", async () => {
      for (const { name: database, db } of where) {
        const indexes = await indexesOf(db, table);
        const uniqueColumnSets = await Promise.all(
          indexes.filter((i) => i.unique === 1 && i.partial === 0).map((i) => indexColumns(db, i.name)),
        );
        for (const columns of expected.unique) {
          expect(
            uniqueColumnSets.map((c) => c.join(",")),
            `${database}: ${table} UNIQUE(${columns})`,
          ).toContain(columns.join(","));
        }
      }
    });

    it("has the seed's foreign keys within its database (composite ones keep the seed's column pair)", async () => {
      for (const { name: database, db } of where) {
        const keys = await foreignKeysOf(db, table);
        for (const fk of foreignKeysInPlace(table)) {
          const match = keys.find((k) => k.table === fk.table && k.from === fk.from && k.to === fk.to);
          expect(match, `${database}: ${table}.${fk.from} → ${fk.table}(${fk.to})`).toBeDefined();
        }
      }
    });
  });
});

describe("placement", () => {
  it("keeps only the directory and the skill registry in the global database: no tenant-owned table", async () => {
    expect(await tablesOf(env.DB)).toEqual(GLOBAL_TABLES.toSorted());
  });

  it("keeps no global table in any shard, and the same tables in every shard", async () => {
    const global = await tablesOf(env.DB);
    const [first, ...others] = await Promise.all(shardDbs().map(tablesOf));
    expect(first?.filter((t) => global.includes(t) || GLOBAL_TABLES.includes(t))).toEqual([]);
    for (const tables of others) expect(tables).toEqual(first);
  });

  it("references in a shard only that shard's tables: tenants through tenant_residency, never the registry", async () => {
    for (const { name: database, db } of databases("shard")) {
      const tables = await tablesOf(db);
      for (const table of tables) {
        for (const key of await foreignKeysOf(db, table)) {
          expect(tables, `${database}: ${table}.${key.from} → ${key.table}`).toContain(key.table);
        }
      }
      for (const { table, key } of CROSS_DATABASE_FOREIGN_KEYS) {
        const keys = await foreignKeysOf(db, table);
        expect(
          keys.filter((k) => k.from === key.from),
          `${database}: ${table}.${key.from} has no foreign key (${key.table} is global)`,
        ).toEqual([]);
      }
    }
  });
});

describe("indexes", () => {
  // The seed's indexes the databases still hold (migrations 0013 and 0018 dropped some and
  // 0013 remade one with a condition), then every index beyond the seed.
  const remade = new Set([
    ...SEED_INDEXES_DROPPED.map((i) => i.name),
    ...BOUNDED_READS_DROPPED.map((i) => i.name),
    ...SCALE_INDEXES.map((i) => i.name),
  ]);
  const cases: [string, ExpectedIndex][] = [
    ...[...SEED_INDEXES, ...SEED_COMPOSITE_INDEXES].filter((i) => !remade.has(i.name)),
    ...SCALE_INDEXES,
    ...BEYOND_SEED_INDEXES,
    ...BOUNDED_READ_INDEXES,
  ].map((i) => [i.name, i]);

  it("holds exactly the indexes of §2 to §6, §10.1 and §10.2.3 that remain, and those later migrations add", async () => {
    const expectedIn = (where: Database) =>
      cases
        .filter(([, index]) => databaseOf(index.table) === where)
        .map(([name]) => name)
        .toSorted();
    const indexesIn = async (db: D1Database) =>
      (
        await all<{ name: string }>(
          db,
          "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' AND tbl_name NOT LIKE '_cf_%' ORDER BY name",
        )
      ).map((row) => row.name);
    expect(await indexesIn(env.DB), "DB").toEqual(expectedIn("global"));
    for (const { name, db } of databases("shard")) expect(await indexesIn(db), name).toEqual(expectedIn("shard"));
  });

  it.each(cases)("%s exists on its table with the seed's columns, order and condition", async (name, expected) => {
    for (const { name: database, db } of databases(databaseOf(expected.table))) {
      const index = (await indexesOf(db, expected.table)).find((i) => i.name === name);
      expect(index, `${database}: ${name} on ${expected.table}`).toBeDefined();
      expect(await indexColumns(db, name)).toEqual(expected.columns);
      expect(index?.partial === 1, `${database}: ${name} partial`).toBe(expected.where !== null);
      if (expected.where) {
        const row = await db
          .prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?")
          .bind(name)
          .first<{ sql: string }>();
        expect(row?.sql.replace(/\s+/g, " ")).toContain(`WHERE ${expected.where}`);
      }
    }
  });

  it("holds none of the indexes migrations 0013 and 0018 drop, in any database", async () => {
    const seed = new Set([...SEED_INDEXES, ...SEED_COMPOSITE_INDEXES].map((i) => i.name));
    for (const { name } of [...SEED_INDEXES_DROPPED, ...BOUNDED_READS_DROPPED]) {
      expect(seed.has(name), `${name} is the seed's`).toBe(true);
    }
    const dropped = [
      ...SEED_INDEXES_DROPPED.map((i) => i.name),
      ...BEYOND_SEED_INDEXES_DROPPED,
      ...BOUNDED_READS_DROPPED.map((i) => i.name),
    ];
    for (const { name: database, db } of [...databases("global"), ...databases("shard")]) {
      const present = await all<{ name: string }>(
        db,
        `SELECT name FROM sqlite_master WHERE type = 'index' AND name IN (${dropped.map(() => "?").join(", ")})`,
        ...dropped,
      );
      expect(
        present.map((i) => i.name),
        database,
      ).toEqual([]);
    }
  });

  it("keys audit_logs and post_analytics by their primary key alone (WITHOUT ROWID, migration 0015), in every shard", async () => {
    for (const { name: database, db } of databases("shard")) {
      // pragma_table_list's `wr` is 1 for a WITHOUT ROWID table.
      const kinds = await all<{ name: string; wr: number }>(
        db,
        "SELECT name, wr FROM pragma_table_list WHERE name IN ('audit_logs', 'post_analytics') ORDER BY name",
      );
      expect(kinds, database).toEqual([
        { name: "audit_logs", wr: 1 },
        { name: "post_analytics", wr: 1 },
      ]);
    }
  });

  it("makes post_analytics(post_id) unique (the ERD's 1:1, the flush's upsert key)", async () => {
    for (const { db } of databases("shard")) {
      const index = (await indexesOf(db, "post_analytics")).find((i) => i.name === "idx_post_analytics_post");
      expect(index?.unique).toBe(1);
    }
  });

  it("keeps one active version per skill and one default configuration per tenant in the database", async () => {
    const versions = (await indexesOf(env.DB, "skill_versions")).find((i) => i.name === "idx_skill_versions_active");
    expect(versions).toMatchObject({ unique: 1, partial: 1 });
    for (const { db } of databases("shard")) {
      const configs = (await indexesOf(db, "post_configurations")).find((i) => i.name === "idx_configs_default");
      expect(configs).toMatchObject({ unique: 1, partial: 1 });
    }
  });
});

describe("beyond the seed", () => {
  it.each(BEYOND_SEED_COLUMNS.map((c) => [`${c.table}.${c.column.name}`, c] as const))(
    "%s exists as its migration adds it",
    async (_name, { table, migration, column }) => {
      for (const { name: database, db } of databases(databaseOf(table))) {
        const found = (await columnsOf(db, table)).find((c) => c.name === column.name);
        expect(found, `${database}: ${table}.${column.name} (migration ${migration})`).toBeDefined();
        expect(found?.type).toBe(column.type);
        expect(found?.dflt_value).toBe(column.default);
        expect(found?.notnull === 1).toBe(column.notNull);
      }
    },
  );

  it.each(BEYOND_SEED_TABLES.map((t) => [t.name, t] as const))(
    "%s exists where its migration puts it, and nowhere else",
    async (_name, { name, type, database, migration, columns }) => {
      const where = databases(database);
      const elsewhere = databases(database === "global" ? "shard" : "global");
      for (const { name: label, db } of where) {
        const row = await db
          .prepare("SELECT type FROM sqlite_master WHERE name = ?")
          .bind(name)
          .first<{ type: string }>();
        expect(row?.type, `${label}: ${type} ${name} (migration ${migration})`).toBe(type);
        expect((await columnsOf(db, name)).map((c) => c.name)).toEqual(columns);
      }
      for (const { name: label, db } of elsewhere) {
        const row = await db.prepare("SELECT type FROM sqlite_master WHERE name = ?").bind(name).first();
        expect(row, `${label} has no ${name}`).toBeNull();
      }
    },
  );
});

describe("foreign keys", () => {
  it("are enforced by D1 in every database", async () => {
    for (const { name, db } of [...databases("global"), ...databases("shard")]) {
      const row = await db.prepare("PRAGMA foreign_keys").first<{ foreign_keys: number }>();
      expect(row?.foreign_keys, name).toBe(1);
    }
  });
});
