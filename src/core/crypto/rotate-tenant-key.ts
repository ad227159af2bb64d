// Key rotation: re-encrypts every registered secret of a tenant under the next key
// version, then moves the tenant to that version.
//
// Two phases, each safe to repeat: (1) the secrets, in the tenant's database, each
// row updated only if it still holds what was read (a concurrent writer wins, and
// its ciphertext, of either version, stays readable); (2) the registry's version.
// Derivation is deterministic, so a rotation interrupted between the phases and run
// again converges on the same key.
import { chunk } from "../db/chunk";
import type { TenantScope } from "../db/tenant-scope";
import { fromBase64, toBase64 } from "./encoding";
import { ciphertextVersion, decryptBytes, encryptBytes, type TenantKeyRef } from "./envelope";
import { SECRET_COLUMNS, type SecretColumn, secretContext } from "./secret-columns";

const TEXT_PREFIX = "enc1:";
const STATEMENTS_PER_BATCH = 100;

export interface RotationPlan {
  statements: D1PreparedStatement[];
  /** Secrets re-encrypted, per "table.column". */
  counts: Record<string, number>;
}

function toBytes(column: SecretColumn, stored: unknown): Uint8Array {
  if (column.encoding === "text") return fromBase64(String(stored).slice(TEXT_PREFIX.length));
  return stored instanceof ArrayBuffer ? new Uint8Array(stored) : new Uint8Array(stored as number[]);
}

function fromBytes(column: SecretColumn, bytes: Uint8Array): string | Uint8Array {
  return column.encoding === "text" ? TEXT_PREFIX + toBase64(bytes) : bytes;
}

/** Reads every secret of the tenant and prepares its re-encryption under `to.version`. */
export async function planRotation(scope: TenantScope, to: TenantKeyRef): Promise<RotationPlan> {
  const statements: D1PreparedStatement[] = [];
  const counts: Record<string, number> = {};
  for (const column of SECRET_COLUMNS) {
    const { results } = await scope.db
      .prepare(
        `SELECT ${column.idColumn} AS id, ${column.column} AS secret FROM ${column.table}
         WHERE tenant_id = ? AND ${column.column} IS NOT NULL AND length(${column.column}) > 0`,
      )
      .bind(scope.tenantId)
      .all<{ id: string; secret: unknown }>();
    let count = 0;
    for (const row of results) {
      const current = toBytes(column, row.secret);
      if (ciphertextVersion(current) === to.version) continue;
      const context = secretContext(scope.tenantId, column, row.id);
      const plaintext = await decryptBytes(to, current, context);
      const rewritten = fromBytes(column, await encryptBytes(to, plaintext, context));
      // Identifiers come from the registry; every value is bound.
      const versionSet = column.versionColumn ? `, ${column.versionColumn} = ?` : "";
      const versionValue = column.versionColumn ? [to.version] : [];
      statements.push(
        scope.db
          .prepare(
            `UPDATE ${column.table} SET ${column.column} = ?${versionSet}
             WHERE tenant_id = ? AND ${column.idColumn} = ? AND ${column.column} = ?`,
          )
          .bind(rewritten, ...versionValue, scope.tenantId, row.id, row.secret),
      );
      count += 1;
    }
    counts[`${column.table}.${column.column}`] = count;
  }
  return { statements, counts };
}

/** Runs the plan in batches; `last` (the audit row) rides in the final batch. */
export async function applyRotation(scope: TenantScope, plan: RotationPlan, last: D1PreparedStatement): Promise<void> {
  const batches = chunk(plan.statements, STATEMENTS_PER_BATCH);
  if (batches.length === 0) batches.push([]);
  for (const [index, batch] of batches.entries()) {
    await scope.db.batch(index === batches.length - 1 ? [...batch, last] : batch);
  }
}
