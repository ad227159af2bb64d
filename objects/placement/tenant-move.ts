// Moving the tenant to another shard of its region (an operator's decision: a shard
// is full, or the region is being rebalanced), run by the tenant's own object on its
// alarm, in bounded, resumable steps whose state is kept in the object's storage:
//
//   fence     the source shard marks the tenant 'departed' (every write batch of the
//             tenant there is refused from now on: src/core/db/resident-database.ts) and
//             the target takes it as 'arriving' (writes refused there too);
//   copy      table by table in foreign-key order (TENANT_TABLES), the rows listed by
//             key (rowid or primary key) once, then copied a page at a time;
//   verify    every table holds as many of the tenant's rows in the target as in the
//             source;
//   switch    the directory names the target (compare-and-set on the source), then the
//             target marks the tenant 'resident': writes go there from now on;
//   drain     the source's rows stay, unchanged, for twice the directory's cache
//             lifetime, so a reader with a stale entry still reads the tenant's rows;
//   clean     the source's rows are deleted in bounded batches, newest first, in
//             reverse foreign-key order, and its residency row last.
//
// While the tenant is fenced (fence to switch) its object answers publishes with 503
// and Retry-After, and holds its own background writes (scheduled posts, insight
// pulls, flushes) until the switch: nothing it answers for can be lost or doubled, and
// no token refresh can be lost to a refused write. Other requests read as usual; their
// writes are refused by the fence (503, Retry-After). A move that cannot complete
// (the copy does not verify) is rolled back: the target's rows deleted, the source
// resident again.

import { type Clock, isoNow } from "../../src/core/clock";
import { PLACEMENT_TTL_MS, rememberPlacement } from "../../src/core/placement/directory";
import {
  columnsOf,
  copyRows,
  countRows,
  deleteSome,
  listRowKeys,
  type RowKey,
} from "../../src/core/placement/move/copy-rows";
import { TENANT_TABLES } from "../../src/core/placement/move/tenant-tables";
import { regionOfShard, shardNamed } from "../../src/core/placement/shards";
import type { Timers } from "../storage/timers";
import type { MovePhase, MoveStart, MoveStatus } from "../tenant-object/contract";

/** Rows copied per page, and D1 round trips per alarm run, so one run stays short. */
const PAGE_ROWS = 500;
const STEPS_PER_RUN = 20;
const DELETE_BATCH = 500;
/** How long the source's rows outlive the switch: every directory entry has expired by then. */
export const DRAIN_MS = 2 * PLACEMENT_TTL_MS;

type MoveRow = {
  from_shard: string;
  to_shard: string;
  phase: MovePhase;
  table_index: number;
  listed: number;
  rows_copied: number;
  started_ms: number;
  switched_ms: number | null;
  finished_ms: number | null;
  error: string | null;
};

/** The phases in which the tenant is fenced: no write of it is taken anywhere. */
const FENCED: readonly MovePhase[] = ["copying", "verifying", "switching"];

export class TenantMove {
  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
    private readonly tenantId: string,
    private readonly timers: Timers<"move-tenant">,
    /** The object forgets what it knew of its placement (the directory changed). */
    private readonly onSwitched: () => void,
    private readonly clock: Clock,
  ) {}

  private row(): MoveRow | null {
    return this.sql.exec<MoveRow>("SELECT * FROM tenant_move WHERE id = 1").toArray()[0] ?? null;
  }

  /** True while the tenant's writes are fenced: publishing and background writes wait. */
  fenced(): boolean {
    const row = this.row();
    return row !== null && FENCED.includes(row.phase);
  }

  status(): MoveStatus | null {
    const row = this.row();
    if (!row) return null;
    return {
      from_shard: row.from_shard,
      to_shard: row.to_shard,
      phase: row.phase,
      table: TENANT_TABLES[row.table_index]?.name ?? null,
      rows_copied: row.rows_copied,
      started_at: new Date(row.started_ms).toISOString(),
      switched_at: row.switched_ms === null ? null : new Date(row.switched_ms).toISOString(),
      finished_at: row.finished_ms === null ? null : new Date(row.finished_ms).toISOString(),
      error: row.error,
    };
  }

  /**
   * Starts moving the tenant from `from` (its shard in the directory) to `to`. The fence
   * goes up before this returns; the copy runs on the alarm. Refused while a move runs.
   */
  async start(from: string, to: string, nowMs: number): Promise<MoveStart> {
    const current = this.row();
    if (current && current.phase !== "done" && current.phase !== "failed") {
      return { started: false, reason: "a move of this tenant is under way", status: this.status() };
    }
    // A token refresh in flight would have to store the platform's new tokens through
    // the fence; the move waits for it (a lease lasts seconds).
    const refreshing = this.sql
      .exec<{ n: number }>(
        "SELECT COUNT(*) AS n FROM account_state WHERE lease_id IS NOT NULL AND lease_expires_ms > ?",
        nowMs,
      )
      .one().n;
    if (refreshing > 0)
      return { started: false, reason: "a token refresh is in flight; retry in a few seconds", status: this.status() };
    const source = shardNamed(this.env, from);
    const target = shardNamed(this.env, to);
    const residency = await source.db
      .prepare("SELECT kms_key_id FROM tenant_residency WHERE tenant_id = ? AND state = 'resident'")
      .bind(this.tenantId)
      .first<{ kms_key_id: string }>();
    if (!residency) throw new Error(`tenant ${this.tenantId} is not resident in ${from}`);
    this.sql.exec("DELETE FROM move_keys");
    this.sql.exec(
      `INSERT INTO tenant_move (id, from_shard, to_shard, phase, table_index, listed, rows_copied, started_ms,
         switched_ms, finished_ms, error)
       VALUES (1, ?, ?, 'copying', 0, 0, 0, ?, NULL, NULL, NULL)
       ON CONFLICT(id) DO UPDATE SET from_shard = excluded.from_shard, to_shard = excluded.to_shard,
         phase = 'copying', table_index = 0, listed = 0, rows_copied = 0, started_ms = excluded.started_ms,
         switched_ms = NULL, finished_ms = NULL, error = NULL`,
      from,
      to,
      nowMs,
    );
    // The fence: the target first (a tenant never resident in two shards), then the source.
    const at = new Date(nowMs).toISOString();
    await target.db
      .prepare(
        `INSERT INTO tenant_residency (tenant_id, kms_key_id, state, changed_at) VALUES (?, ?, 'arriving', ?)
         ON CONFLICT(tenant_id) DO UPDATE SET state = 'arriving', changed_at = excluded.changed_at`,
      )
      .bind(this.tenantId, residency.kms_key_id, at)
      .run();
    await source.db
      .prepare("UPDATE tenant_residency SET state = 'departed', changed_at = ? WHERE tenant_id = ?")
      .bind(at, this.tenantId)
      .run();
    await this.timers.scheduleAt("move-tenant", nowMs);
    return { started: true, status: this.status() };
  }

  /** One run of the move on the alarm: a bounded amount of work, then the next run is scheduled. */
  async step(nowMs: number): Promise<void> {
    const row = this.row();
    if (!row) return;
    const source = shardNamed(this.env, row.from_shard).db;
    const target = shardNamed(this.env, row.to_shard).db;
    switch (row.phase) {
      case "copying":
        return this.copy(row, source, target);
      case "verifying":
        return this.verify(source, target);
      case "switching":
        return this.switchOver(row, target, nowMs);
      case "draining":
        if (nowMs < (row.switched_ms ?? nowMs) + DRAIN_MS) {
          await this.timers.scheduleAt("move-tenant", (row.switched_ms ?? nowMs) + DRAIN_MS);
          return;
        }
        this.setPhase("cleaning", { table_index: TENANT_TABLES.length - 1 });
        return this.continueNow();
      case "cleaning":
        return this.clean(row, source, nowMs);
      default:
        return;
    }
  }

  private async copy(row: MoveRow, source: D1Database, target: D1Database): Promise<void> {
    let { table_index: index } = row;
    for (let steps = 0; steps < STEPS_PER_RUN; steps++) {
      const table = TENANT_TABLES[index];
      if (!table) {
        this.setPhase("verifying", {});
        return this.continueNow();
      }
      if (this.sql.exec<{ listed: number }>("SELECT listed FROM tenant_move WHERE id = 1").one().listed === 0) {
        for (const key of await listRowKeys(source, table, this.tenantId)) {
          this.sql.exec("INSERT OR IGNORE INTO move_keys (table_name, src_key) VALUES (?, ?)", table.name, key);
        }
        this.sql.exec("UPDATE tenant_move SET listed = 1 WHERE id = 1");
        continue;
      }
      const page = this.sql
        .exec<{ src_key: RowKey }>(
          "SELECT src_key FROM move_keys WHERE table_name = ? ORDER BY src_key LIMIT ?",
          table.name,
          PAGE_ROWS,
        )
        .toArray()
        .map((r) => r.src_key);
      if (page.length === 0) {
        index += 1;
        this.sql.exec("UPDATE tenant_move SET table_index = ?, listed = 0 WHERE id = 1", index);
        continue;
      }
      const copied = await copyRows(source, target, table, await columnsOf(source, table.name), page);
      this.sql.exec(
        "DELETE FROM move_keys WHERE table_name = ? AND src_key <= ?",
        table.name,
        page[page.length - 1] as RowKey,
      );
      this.sql.exec("UPDATE tenant_move SET rows_copied = rows_copied + ? WHERE id = 1", copied);
    }
    return this.continueNow();
  }

  private async verify(source: D1Database, target: D1Database): Promise<void> {
    for (const table of TENANT_TABLES) {
      const [from, to] = await Promise.all([
        countRows(source, table, this.tenantId),
        countRows(target, table, this.tenantId),
      ]);
      if (from !== to) return this.rollBack(`${table.name}: ${from} rows in the source, ${to} copied`);
    }
    this.setPhase("switching", {});
    return this.continueNow();
  }

  private async switchOver(row: MoveRow, target: D1Database, nowMs: number): Promise<void> {
    // The directory first (compare-and-set: only from the shard this move started from);
    // a run repeated after a reset finds it already switched and goes on.
    await this.env.DB.prepare("UPDATE tenants SET shard = ?, updated_at = ? WHERE tenant_id = ? AND shard = ?")
      .bind(row.to_shard, new Date(nowMs).toISOString(), this.tenantId, row.from_shard)
      .run();
    const placed = await this.env.DB.prepare("SELECT shard FROM tenants WHERE tenant_id = ?")
      .bind(this.tenantId)
      .first<{ shard: string }>();
    if (placed?.shard !== row.to_shard) throw new Error(`the directory places ${this.tenantId} in ${placed?.shard}`);
    await target
      .prepare("UPDATE tenant_residency SET state = 'resident', changed_at = ? WHERE tenant_id = ?")
      .bind(new Date(nowMs).toISOString(), this.tenantId)
      .run();
    const region = regionOfShard(row.to_shard);
    if (region) rememberPlacement({ tenantId: this.tenantId, region, shard: row.to_shard });
    this.setPhase("draining", { switched_ms: nowMs });
    this.onSwitched();
    await this.timers.scheduleAt("move-tenant", nowMs + DRAIN_MS);
  }

  private async clean(row: MoveRow, source: D1Database, nowMs: number): Promise<void> {
    let index = row.table_index;
    for (let steps = 0; steps < STEPS_PER_RUN; steps++) {
      const table = TENANT_TABLES[index];
      if (!table) {
        await source
          .prepare("DELETE FROM tenant_residency WHERE tenant_id = ? AND state = 'departed'")
          .bind(this.tenantId)
          .run();
        this.setPhase("done", { finished_ms: nowMs });
        return;
      }
      if ((await deleteSome(source, table, this.tenantId, DELETE_BATCH)) === 0) {
        index -= 1;
        this.sql.exec("UPDATE tenant_move SET table_index = ? WHERE id = 1", index);
      }
    }
    return this.continueNow();
  }

  /** The copy cannot be trusted: the target's rows go, the source takes the tenant back. */
  private async rollBack(reason: string): Promise<void> {
    const row = this.row();
    if (!row) return;
    const source = shardNamed(this.env, row.from_shard).db;
    const target = shardNamed(this.env, row.to_shard).db;
    for (const table of [...TENANT_TABLES].reverse()) {
      while ((await deleteSome(target, table, this.tenantId, DELETE_BATCH)) > 0) {}
    }
    await target.prepare("DELETE FROM tenant_residency WHERE tenant_id = ?").bind(this.tenantId).run();
    await source
      .prepare("UPDATE tenant_residency SET state = 'resident', changed_at = ? WHERE tenant_id = ?")
      .bind(isoNow(this.clock), this.tenantId)
      .run();
    this.sql.exec("DELETE FROM move_keys");
    this.setPhase("failed", { finished_ms: this.clock(), error: reason });
    console.error(`tenant ${this.tenantId}: move to ${row.to_shard} rolled back: ${reason}`);
  }

  private setPhase(
    phase: MovePhase,
    fields: Partial<Pick<MoveRow, "table_index" | "switched_ms" | "finished_ms" | "error">>,
  ): void {
    const assignments = ["phase = ?", ...Object.keys(fields).map((field) => `${field} = ?`)];
    this.sql.exec(`UPDATE tenant_move SET ${assignments.join(", ")} WHERE id = 1`, phase, ...Object.values(fields));
  }

  private continueNow(): Promise<void> {
    return this.timers.scheduleAt("move-tenant", this.clock());
  }
}
