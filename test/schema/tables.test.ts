// The migrated D1 holds every table, column, index, unique constraint and foreign
// key the seed names. Reads sqlite_master and the pragmas, never the migration files.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  BEYOND_SEED_COLUMNS,
  BEYOND_SEED_INDEXES,
  type ExpectedIndex,
  SEED_COMPOSITE_INDEXES,
  SEED_INDEXES,
  SEED_TABLES,
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

async function all<T>(sql: string, ...params: unknown[]): Promise<T[]> {
  return (
    await env.DB.prepare(sql)
      .bind(...params)
      .all<T>()
  ).results;
}

const columnsOf = (table: string) => all<ColumnInfo>("SELECT * FROM pragma_table_info(?)", table);
const indexesOf = (table: string) => all<IndexInfo>("SELECT * FROM pragma_index_list(?)", table);
async function indexColumns(index: string): Promise<string[]> {
  const rows = await all<IndexColumn>("SELECT * FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno", index);
  return rows.map((r) => (r.desc ? `${r.name} DESC` : String(r.name)));
}

describe("tables", () => {
  it("has all 24 tables of the seed's §2 to §6", async () => {
    const rows = await all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'");
    const present = new Set(rows.map((r) => r.name));
    const seedTables = Object.keys(SEED_TABLES);
    expect(seedTables).toHaveLength(24);
    expect(seedTables.filter((t) => !present.has(t))).toEqual([]);
  });

  describe.each(Object.entries(SEED_TABLES))("%s", (table, expected) => {
    it("has every column with the seed's type, default and NOT NULL", async () => {
      const actual = new Map((await columnsOf(table)).map((c) => [c.name, c]));
      for (const column of expected.columns) {
        const found = actual.get(column.name);
        expect(found, `${table}.${column.name} exists`).toBeDefined();
        if (!found) continue;
        expect(found.type, `${table}.${column.name} type`).toBe(column.type);
        expect(found.dflt_value, `${table}.${column.name} default`).toBe(column.default);
        expect(found.pk > 0, `${table}.${column.name} primary key`).toBe(column.primaryKey);
        // Deviation (migration 0001): primary keys are NOT NULL even where the seed,
        // relying on SQLite's quirk, lets a NULL key in.
        const notNull = column.notNull || column.primaryKey;
        expect(found.notnull === 1, `${table}.${column.name} NOT NULL`).toBe(notNull);
      }
    });

    it("has the seed's unique constraints", async () => {
      const indexes = await indexesOf(table);
      const uniqueColumnSets = await Promise.all(
        indexes.filter((i) => i.unique === 1 && i.partial === 0).map((i) => indexColumns(i.name)),
      );
      for (const columns of expected.unique) {
        expect(
          uniqueColumnSets.map((c) => c.join(",")),
          `${table} UNIQUE(${columns})`,
        ).toContain(columns.join(","));
      }
    });

    it("has the seed's foreign keys (composite ones keep the seed's column pair)", async () => {
      const keys = await all<ForeignKey>("SELECT * FROM pragma_foreign_key_list(?)", table);
      for (const fk of expected.foreignKeys) {
        const match = keys.find((k) => k.table === fk.table && k.from === fk.from && k.to === fk.to);
        expect(match, `${table}.${fk.from} → ${fk.table}(${fk.to})`).toBeDefined();
      }
    });
  });
});

describe("indexes", () => {
  const cases: [string, ExpectedIndex][] = [...SEED_INDEXES, ...SEED_COMPOSITE_INDEXES, ...BEYOND_SEED_INDEXES].map(
    (i) => [i.name, i],
  );

  it("covers every index of §2 to §6, §10.1 and §10.2.3", () => {
    expect(SEED_INDEXES.length).toBeGreaterThanOrEqual(60);
    expect(SEED_COMPOSITE_INDEXES.map((i) => i.name)).toEqual([
      "idx_users_tenant_status",
      "idx_posts_tenant_platform_date",
      "idx_analytics_tenant_platform_synced",
      "idx_conversions_campaign_date",
      "idx_posts_covering",
    ]);
  });

  it.each(cases)("%s exists on its table with the seed's columns, order and condition", async (name, expected) => {
    const index = (await indexesOf(expected.table)).find((i) => i.name === name);
    expect(index, `${name} on ${expected.table}`).toBeDefined();
    expect(await indexColumns(name)).toEqual(expected.columns);
    expect(index?.partial === 1, `${name} partial`).toBe(expected.where !== null);
    if (expected.where) {
      const row = await env.DB.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?")
        .bind(name)
        .first<{ sql: string }>();
      expect(row?.sql.replace(/\s+/g, " ")).toContain(`WHERE ${expected.where}`);
    }
  });

  it("makes post_analytics(post_id) unique (the ERD's 1:1, the flush's upsert key)", async () => {
    const index = (await indexesOf("post_analytics")).find((i) => i.name === "idx_post_analytics_post");
    expect(index?.unique).toBe(1);
  });

  it("keeps one active version per skill and one default configuration per tenant in the database", async () => {
    const versions = (await indexesOf("skill_versions")).find((i) => i.name === "idx_skill_versions_active");
    const configs = (await indexesOf("post_configurations")).find((i) => i.name === "idx_configs_default");
    expect(versions).toMatchObject({ unique: 1, partial: 1 });
    expect(configs).toMatchObject({ unique: 1, partial: 1 });
  });
});

describe("beyond the seed", () => {
  it.each(BEYOND_SEED_COLUMNS.map((c) => [`${c.table}.${c.column.name}`, c] as const))(
    "%s exists as its migration adds it",
    async (_name, { table, migration, column }) => {
      const found = (await columnsOf(table)).find((c) => c.name === column.name);
      expect(found, `${table}.${column.name} (migration ${migration})`).toBeDefined();
      expect(found?.type).toBe(column.type);
      expect(found?.dflt_value).toBe(column.default);
      expect(found?.notnull === 1).toBe(column.notNull);
    },
  );
});

describe("foreign keys", () => {
  it("are enforced by D1", async () => {
    const row = await env.DB.prepare("PRAGMA foreign_keys").first<{ foreign_keys: number }>();
    expect(row?.foreign_keys).toBe(1);
  });
});
