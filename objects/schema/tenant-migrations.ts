// The TenantObject's own SQLite schema, append-only. Add a migration at the end;
// never edit or reorder one that has shipped.
import type { ObjectMigration } from "./migrate";

export const TENANT_OBJECT_MIGRATIONS: readonly ObjectMigration[] = [
  {
    version: 1,
    name: "meta",
    sql: `
      -- Facts about the object itself (its tenant id survives hibernation here).
      CREATE TABLE meta (
        key TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL
      );
    `,
  },
];
