// The object's audit rows that stand alone (a refused credential, an analytics batch),
// and those the tenant's shard refused when they were written after a change to the
// global database (src/router/http/audit.ts, commitGlobalForTenant). A row is written to the
// shard at once; when the shard refuses it (it is fenced while the tenant moves, or
// unavailable) the object keeps it in its own storage and writes it on its alarm until
// the shard takes it. Each row's id is fixed when it is made, so a write repeated after
// a lost answer adds nothing.
import { type Clock, isoNow } from "../../src/core/clock";
import {
  type AuditActor,
  type AuditEvent,
  type PendingAuditRow,
  pendingAuditRow,
  pendingAuditStatement,
} from "../../src/core/db/audit-logs";
import { MAX_JSON_ROWS } from "../../src/core/db/json-rows";
import { tenantScope } from "../../src/core/db/tenant-scope";
import type { Timers } from "../storage/timers";

const RETRY_MS = 30_000;

export class AuditOutbox {
  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
    private readonly tenantId: string,
    private readonly timers: Timers<"flush-audit">,
    private readonly clock: Clock,
  ) {}

  /** The audit row of `event`, in the shard now or kept here until the shard takes it. */
  async record(actor: AuditActor, event: AuditEvent): Promise<void> {
    const row = pendingAuditRow({ ...actor, tenantId: this.tenantId }, event, isoNow(this.clock));
    try {
      const scope = await tenantScope(this.env, this.tenantId);
      await scope.db.batch([pendingAuditStatement(scope.db, [row])]);
    } catch (error) {
      console.warn(`TenantObject ${this.tenantId}: audit row kept until the shard takes it (${String(error)})`);
      await this.keep([row]);
    }
  }

  async keep(rows: PendingAuditRow[]): Promise<void> {
    for (const row of rows) {
      this.sql.exec(
        "INSERT INTO audit_outbox (log_id, row_json) VALUES (?, ?) ON CONFLICT(log_id) DO NOTHING",
        String(row.log_id),
        JSON.stringify(row),
      );
    }
    await this.timers.scheduleAtMost("flush-audit", this.clock());
  }

  /** Writes what is kept; throws (the timer retries) while the shard refuses. */
  async flush(): Promise<number> {
    let written = 0;
    for (;;) {
      const kept = this.sql
        .exec<{ log_id: string; row_json: string }>(
          "SELECT log_id, row_json FROM audit_outbox ORDER BY log_id LIMIT ?",
          MAX_JSON_ROWS,
        )
        .toArray();
      if (kept.length === 0) return written;
      const scope = await tenantScope(this.env, this.tenantId);
      try {
        await scope.db.batch([
          pendingAuditStatement(
            scope.db,
            kept.map((row) => JSON.parse(row.row_json)),
          ),
        ]);
      } catch (error) {
        await this.timers.scheduleAtMost("flush-audit", this.clock() + RETRY_MS);
        throw error;
      }
      for (const row of kept) this.sql.exec("DELETE FROM audit_outbox WHERE log_id = ?", row.log_id);
      written += kept.length;
    }
  }
}
