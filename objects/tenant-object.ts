// One TenantObject per tenant: the single place that holds the tenant's live state.
import { Server } from "partyserver";
import { applyObjectMigrations } from "./schema/migrate";
import { TENANT_OBJECT_MIGRATIONS } from "./schema/tenant-migrations";

export interface TenantObjectStatus {
  tenantId: string;
  schemaVersion: number;
  createdAt: string;
}

export class TenantObject extends Server<Env> {
  static override options = { hibernate: true };

  readonly schemaVersion: number;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Synchronous, idempotent and versioned: every entry point sees the schema.
    this.schemaVersion = applyObjectMigrations(ctx.storage, TENANT_OBJECT_MIGRATIONS);
  }

  /** The tenant this object belongs to, from the id it was addressed by. */
  get tenantId(): string {
    return this.name;
  }

  /** Proves the object answers: its tenant, schema version and first start. */
  async status(): Promise<TenantObjectStatus> {
    const sql = this.ctx.storage.sql;
    sql.exec(
      "INSERT INTO meta (key, value) VALUES ('created_at', ?) ON CONFLICT(key) DO NOTHING",
      new Date().toISOString(),
    );
    const createdAt = sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'created_at'").one().value;
    return { tenantId: this.tenantId, schemaVersion: this.schemaVersion, createdAt };
  }
}
