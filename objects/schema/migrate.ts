// Versioned, idempotent schema for a Durable Object's own SQLite.
//
// A Durable Object can be entered through fetch, native RPC, an alarm or a
// hibernated WebSocket, and RPC can arrive before partyserver's onStart has run
// (ARCHITECTURE.md, Initialise on every entry point). So the schema is applied synchronously from the
// constructor, which every entry point passes through, and applying it twice is a
// no-op. Migrations are append-only: the list in code must begin with exactly the
// migrations the storage has recorded, or the object refuses to run (an older
// deploy must not write into a newer schema).

export interface ObjectMigration {
  version: number;
  name: string;
  sql: string;
}

export class SchemaMismatchError extends Error {
  override name = "SchemaMismatchError";
}

export function applyObjectMigrations(storage: DurableObjectStorage, migrations: readonly ObjectMigration[]): number {
  const sql = storage.sql;
  sql.exec(
    `CREATE TABLE IF NOT EXISTS _object_migrations (
       version INTEGER PRIMARY KEY,
       name TEXT NOT NULL,
       applied_at TEXT NOT NULL
     )`,
  );
  const applied = sql
    .exec<{ version: number; name: string }>("SELECT version, name FROM _object_migrations ORDER BY version")
    .toArray();

  applied.forEach((row, index) => {
    const known = migrations[index];
    if (!known || known.version !== row.version || known.name !== row.name) {
      throw new SchemaMismatchError(
        `object schema has migration ${row.version} "${row.name}" that this code does not know at position ${index}`,
      );
    }
  });

  const pending = migrations.slice(applied.length);
  for (const migration of pending) {
    storage.transactionSync(() => {
      sql.exec(migration.sql);
      sql.exec(
        "INSERT INTO _object_migrations (version, name, applied_at) VALUES (?, ?, ?)",
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
    });
  }
  return migrations.at(-1)?.version ?? 0;
}
