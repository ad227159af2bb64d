// The VectorIndexObject's own SQLite schema, append-only. Add a migration at the end;
// never edit or reorder one that has shipped.
import type { ObjectMigration } from "./migrate";

export const VECTOR_INDEX_MIGRATIONS: readonly ObjectMigration[] = [
  {
    version: 1,
    name: "vectors",
    sql: `
      -- The index's configuration (dimensions, metric), fixed by its first use.
      CREATE TABLE meta (
        key TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL
      );
      -- One row per vector: float32 little-endian components, their norm (computed
      -- once, at write), the namespace (NULL for none) and metadata as JSON.
      CREATE TABLE vectors (
        id TEXT PRIMARY KEY NOT NULL,
        namespace TEXT,
        components BLOB NOT NULL,
        norm REAL NOT NULL,
        metadata TEXT
      );
      CREATE INDEX vectors_namespace ON vectors (namespace);
    `,
  },
];
