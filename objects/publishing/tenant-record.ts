// What the object needs from its tenant's directory row (global D1): whether the
// tenant is active, where its rows live (its shard), the encryption key reference and
// the publishing-window overrides in settings.rate_limits, the plan's quotas (its tier
// and the operator's overrides in settings), and its subscription with its grace
// (docs/billing.md). (Post configurations are read at every admission instead:
// post-configuration.ts.) Read once and kept a minute; forgotten at once when the key
// rotates, the settings, tier, subscription or status change (billingChanged,
// tenantStatusChanged), or the tenant moves. What cannot be undone (a scheduled post
// sent, a token renewed, insights pulled with the tenant's tokens) asks currentStatus or
// currentStanding instead, read from the directory at that moment (docs/publishing.md,
// Held posts).
import { type ApprovalSetting, approvalSettingOf } from "../../src/core/auth/approvals";
import type { TenantKeyInfo } from "../../src/core/auth/principal";
import { type Quotas, quotasOf } from "../../src/core/billing/plans";
import { type BillingState, billingStateOf } from "../../src/core/billing/subscription";
import { parseJson } from "../../src/core/db/json-column";
import { configurationForPost, type PostConfigurationRow } from "../../src/core/db/post-configurations";
import { scopeOn, type TenantScope } from "../../src/core/db/tenant-scope";
import { findTenant, type TenantStatus, tenantStandingOf, tenantStatusOf } from "../../src/core/db/tenants";
import { rememberPlacement } from "../../src/core/placement/directory";
import { type WindowOverride, windowFor, windowsCapped } from "../../src/core/platforms/publish-windows";
import type { Platform } from "../../src/core/platforms/types";

const TTL_MS = 60_000;

export interface TenantRecord {
  status: TenantStatus;
  /** The binding name of the tenant's D1 shard. */
  shard: string;
  key: TenantKeyInfo;
  windows: Partial<Record<Platform, WindowOverride>>;
  /** The plan's quotas: its tier's defaults and the operator's overrides (src/core/billing/plans.ts). */
  quotas: Quotas;
  /** The subscription and its grace (src/core/billing/subscription.ts). */
  billing: BillingState;
  /** settings.approvals.required_for: whose posts wait for an approver (src/core/auth/approvals.ts). */
  approvals: ApprovalSetting;
}

/** The tenant's status and subscription as the directory says them at one moment. */
export interface TenantStanding {
  status: TenantStatus;
  billing: BillingState;
}

/**
 * The tenant's overrides as the object enforces them: never above a capped platform's
 * own window, whatever the directory row holds (one written before PATCH /v1/tenant
 * refused a raise, or by hand): src/core/platforms/publish-windows.ts.
 */
function cappedWindows(env: Env, windows: TenantRecord["windows"]): TenantRecord["windows"] {
  const capped: TenantRecord["windows"] = {};
  for (const [platform, override] of Object.entries(windows) as [Platform, WindowOverride][]) {
    if (!windowsCapped(env, platform)) {
      capped[platform] = override;
      continue;
    }
    const spec = windowFor(platform, override, true);
    capped[platform] = { limit: spec.limit, window_seconds: spec.windowMs / 1000 };
  }
  return capped;
}

export class TenantRecordCache {
  private cached: { record: TenantRecord; atMs: number } | null = null;
  /** The tenant's default post configuration, kept as the record is (defaultPostConfiguration). */
  private defaultConfiguration: { row: PostConfigurationRow | null; atMs: number } | null = null;
  /** Moves on at every forget(), so that a read begun before it is not kept after it. */
  private generation = 0;

  constructor(
    private readonly env: Env,
    private readonly tenantId: string,
  ) {}

  async get(): Promise<TenantRecord> {
    if (this.cached && Date.now() - this.cached.atMs < TTL_MS) return this.cached.record;
    const tenant = await findTenant(this.env.DB, this.tenantId);
    if (!tenant?.shard) throw new Error(`tenant ${this.tenantId} is not placed in the directory`);
    rememberPlacement({ tenantId: this.tenantId, region: tenant.region, shard: tenant.shard });
    const settings = parseJson<{ rate_limits?: TenantRecord["windows"] } & Record<string, unknown>>(
      tenant.settings,
      {},
    );
    const record: TenantRecord = {
      status: tenant.status,
      shard: tenant.shard,
      key: { kmsKeyId: tenant.kms_key_id, encryptionVersion: tenant.encryption_version },
      windows: cappedWindows(this.env, settings.rate_limits ?? {}),
      quotas: quotasOf(tenant.tier, settings),
      billing: billingStateOf(tenant),
      approvals: approvalSettingOf(settings),
    };
    this.cached = { record, atMs: Date.now() };
    return record;
  }

  /**
   * The tenant's status as the directory says it now, never the kept record's (which
   * may be a minute old, or older than a suspension whose notice was lost). A tenant
   * the directory no longer has counts as deleted. The kept record learns it too.
   */
  async currentStatus(): Promise<TenantStatus> {
    const status = (await tenantStatusOf(this.env.DB, this.tenantId)) ?? "deleted";
    if (this.cached && this.cached.record.status !== status) this.cached.record = { ...this.cached.record, status };
    return status;
  }

  /**
   * The tenant's status and subscription as the directory says them now (what
   * currentStatus is to the status): for what cannot be undone, a due post sent. A tenant
   * the directory no longer has counts as deleted. The kept record learns them too.
   */
  async currentStanding(): Promise<TenantStanding> {
    const row = await tenantStandingOf(this.env.DB, this.tenantId);
    const standing: TenantStanding = row
      ? { status: row.status, billing: billingStateOf(row) }
      : { status: "deleted", billing: { subscription: "canceled", pastDueSince: null, graceDays: 0 } };
    if (this.cached) this.cached.record = { ...this.cached.record, ...standing };
    return standing;
  }

  async key(): Promise<TenantKeyInfo> {
    return (await this.get()).key;
  }

  /** The tenant's scope on the shard this object knows it lives in. */
  async scope(): Promise<TenantScope> {
    return scopeOn(this.env, { tenantId: this.tenantId, shard: (await this.get()).shard });
  }

  /**
   * The tenant's default post configuration (null when it has none), which every publish
   * naming no configuration applies. Kept like the record: for TTL_MS at most, and
   * forgotten with it, which the configuration routes ask for after every change
   * (forgetTenantRecord), so a rule changed through the API holds for the next post.
   */
  async defaultPostConfiguration(): Promise<PostConfigurationRow | null> {
    const kept = this.defaultConfiguration;
    if (kept && Date.now() - kept.atMs < TTL_MS) return kept.row;
    const generation = this.generation;
    const row = await configurationForPost(await this.scope(), null);
    if (generation === this.generation) this.defaultConfiguration = { row, atMs: Date.now() };
    return row;
  }

  forget(): void {
    this.cached = null;
    this.defaultConfiguration = null;
    this.generation += 1;
  }
}
