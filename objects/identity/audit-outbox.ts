// Audit rows the tenant's shard refused when they were written after a change to the
// global database (src/http/audit.ts, commitGlobalForTenant): the object keeps them in
// its own storage and writes them on its alarm until the shard takes them. Each row's
// id was fixed when it was made, so a write repeated after a lost answer adds nothing.
import { type PendingAuditRow, pendingAuditStatement } from "../../src/db/audit-logs";
import { MAX_JSON_ROWS } from "../../src/db/json-rows";
import { tenantScope } from "../../src/db/tenant-scope";
import type { Timers } from "../parts/timers";

export const AUDIT_OUTBOX_TIMER = "flush-audit";
const RETRY_MS = 30_000;

export class AuditOutbox {
  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
    private readonly tenantId: string,
    private readonly timers: Timers,
  ) {}

  async keep(rows: PendingAuditRow[]): Promise<void> {
    for (const row of rows) {
      this.sql.exec(
        "INSERT INTO audit_outbox (log_id, row_json) VALUES (?, ?) ON CONFLICT(log_id) DO NOTHING",
        String(row.log_id),
        JSON.stringify(row),
      );
    }
    await this.timers.scheduleAtMost(AUDIT_OUTBOX_TIMER, Date.now());
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
        await this.timers.scheduleAtMost(AUDIT_OUTBOX_TIMER, Date.now() + RETRY_MS);
        throw error;
      }
      for (const row of kept) this.sql.exec("DELETE FROM audit_outbox WHERE log_id = ?", row.log_id);
      written += kept.length;
    }
  }
}
