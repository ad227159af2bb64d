// A tenant scope's database: the tenant's shard, with every write batch fenced by the
// tenant's residency (migrations/tenant/0012_placement.sql). The first statement of
// each batch asserts, inside the batch's transaction, that the tenant is 'resident' in
// this shard; D1 serialises writes, so once a move marks the tenant as leaving (or a
// stale directory entry points at the wrong shard) no later write lands here, and none
// can be lost by a copy that has already read a table.
//
// Reads are not fenced: they see the shard as it is. Single-statement writes go
// through batch() too (`.run()` would bypass the fence; a test keeps it out of tenant
// code).
import { forgetPlacement } from "../placement/directory";
import { isTriggerAbort } from "./errors";

export const NOT_RESIDENT = "tenant is not resident in this shard";

/** A write reached a shard the tenant does not live in (moving, moved, or a stale directory entry). */
export class TenantNotResidentError extends Error {
  constructor(
    readonly tenantId: string,
    readonly shard: string,
  ) {
    super(`tenant ${tenantId} is not resident in ${shard}: retry once its placement is settled`);
    this.name = "TenantNotResidentError";
  }
}

export function isTenantNotResident(error: unknown): error is TenantNotResidentError {
  return error instanceof TenantNotResidentError;
}

/** The fence statement, for callers that build a batch on the raw binding (the mover). */
export function residencyFence(db: D1Database, tenantId: string): D1PreparedStatement {
  return db.prepare("INSERT INTO residency_precondition (tenant_id) VALUES (?)").bind(tenantId);
}

/**
 * The statements tenant scopes prepared, and every copy bind() made of them: a test runs
 * whole flows with every shard binding watched (test/support/shard-guard.ts) and refuses
 * a statement on a shard that is not one of these (but for the system's own cross-tenant
 * reads), and a write made outside a scope's fenced batch.
 */
const scopeStatements = new WeakSet<D1PreparedStatement>();

/** True when a tenant scope prepared `statement` (or bound it from one it prepared). */
export function preparedInScope(statement: D1PreparedStatement): boolean {
  return scopeStatements.has(statement);
}

function inScope(statement: D1PreparedStatement): D1PreparedStatement {
  scopeStatements.add(statement);
  const bind = statement.bind;
  // bind() makes a new statement: it stays marked.
  statement.bind = (...values: unknown[]) => inScope(bind.apply(statement, values));
  return statement;
}

export function residentDatabase(db: D1Database, tenantId: string, shard: string): D1Database {
  return {
    prepare: (query: string) => inScope(db.prepare(query)),
    async batch<T = unknown>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
      if (statements.length === 0) return [];
      try {
        const results = await db.batch<T>([residencyFence(db, tenantId), ...statements]);
        return results.slice(1);
      } catch (error) {
        if (isTriggerAbort(error, NOT_RESIDENT)) {
          // This isolate's directory entry is stale or the tenant is moving: read it again next time.
          forgetPlacement(tenantId);
          throw new TenantNotResidentError(tenantId, shard);
        }
        throw error;
      }
    },
    exec: () => Promise.reject(new Error("exec is not available on a tenant scope: use batch()")),
    dump: () => Promise.reject(new Error("dump is not available on a tenant scope")),
    withSession: () => {
      throw new Error("sessions are not available on a tenant scope");
    },
  } as D1Database;
}
