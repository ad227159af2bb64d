// One TenantObject per tenant: the single place that holds the tenant's live state
// and decides, for its tenant, what is admitted.
import { Server } from "partyserver";
import { writeApiKeyUsage } from "../src/db/api-keys";
import { chunk } from "../src/db/chunk";
import { tenantScope } from "../src/db/tenant-scope";
import { type Admission, admitApiKeyRequest, dirtyKeyUsage, markKeyUsageFlushed } from "./parts/api-key-window";
import { beginLoginAttempt, finishLoginAttempt, type LoginGate } from "./parts/login-throttle";
import { Timers } from "./parts/timers";
import { claimTotpStep } from "./parts/totp-replay";
import { applyObjectMigrations } from "./schema/migrate";
import { TENANT_OBJECT_MIGRATIONS } from "./schema/tenant-migrations";

export interface TenantObjectStatus {
  tenantId: string;
  schemaVersion: number;
  createdAt: string;
}

/** How long key usage may wait before it is written to D1. */
const USAGE_FLUSH_DELAY_MS = 30_000;
const USAGE_FLUSH_RETRY_MS = 60_000;

export class TenantObject extends Server<Env> {
  static override options = { hibernate: true };

  readonly schemaVersion: number;
  private readonly timers: Timers;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Synchronous, idempotent and versioned: every entry point sees the schema.
    this.schemaVersion = applyObjectMigrations(ctx.storage, TENANT_OBJECT_MIGRATIONS);
    this.timers = new Timers(ctx.storage);
  }

  /** The tenant this object belongs to, from the id it was addressed by. */
  get tenantId(): string {
    return this.name;
  }

  /** This object's own SQLite (partyserver's `sql` is its tagged-template helper). */
  private get local(): SqlStorage {
    return this.ctx.storage.sql;
  }

  /** Proves the object answers: its tenant, schema version and first start. */
  async status(): Promise<TenantObjectStatus> {
    this.local.exec(
      "INSERT INTO meta (key, value) VALUES ('created_at', ?) ON CONFLICT(key) DO NOTHING",
      new Date().toISOString(),
    );
    const createdAt = this.local.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'created_at'").one().value;
    return { tenantId: this.tenantId, schemaVersion: this.schemaVersion, createdAt };
  }

  /** Admits one request on an API key against its exact hourly limit. */
  async admitApiKey(keyId: string, limitPerHour: number): Promise<Admission> {
    const admission = admitApiKeyRequest(this.local, keyId, limitPerHour, Date.now());
    if (admission.allowed) await this.timers.scheduleAtMost("flush-key-usage", Date.now() + USAGE_FLUSH_DELAY_MS);
    return admission;
  }

  /** Reserves a sign-in attempt for `email` from `ip`, or says how long to wait. */
  async beginLogin(email: string, ip: string): Promise<LoginGate> {
    return beginLoginAttempt(this.local, email, ip, Date.now());
  }

  async finishLogin(attemptId: number, email: string, success: boolean): Promise<void> {
    finishLoginAttempt(this.local, attemptId, email, success);
  }

  /** True once per user and TOTP time step: a code cannot be replayed. */
  async claimTotpStep(userId: string, step: number): Promise<boolean> {
    return claimTotpStep(this.local, userId, step);
  }

  /** Writes key usage counted here to D1 now (the alarm does it on its own). */
  async flushKeyUsage(): Promise<number> {
    const usage = dirtyKeyUsage(this.local);
    if (usage.length === 0) return 0;
    const scope = tenantScope(this.env, this.tenantId);
    for (const part of chunk(usage, 50)) {
      await scope.db.batch(
        part.map((u) =>
          writeApiKeyUsage(scope, {
            keyId: u.keyId,
            useCount: u.useCount,
            lastUsedAt: new Date(u.lastUsedMs).toISOString(),
          }),
        ),
      );
      markKeyUsageFlushed(this.local, part);
    }
    return usage.length;
  }

  override async onAlarm(): Promise<void> {
    for (const timer of this.timers.takeDue(Date.now())) {
      try {
        await this.runTimer(timer);
      } catch (error) {
        console.error(`TenantObject ${this.tenantId}: timer ${timer} failed; retrying`, error);
        await this.timers.scheduleAtMost(timer, Date.now() + USAGE_FLUSH_RETRY_MS);
      }
    }
    await this.timers.arm();
  }

  private async runTimer(name: string): Promise<void> {
    switch (name) {
      case "flush-key-usage":
        await this.flushKeyUsage();
        return;
      default:
        console.warn(`TenantObject ${this.tenantId}: unknown timer ${name}`);
    }
  }
}
