// What the object needs from its tenant's registry row: the encryption key
// reference and the publishing-window overrides in settings.rate_limits. Read once
// (and the default post configuration's hashtag limits) and kept a minute; forgotten at once when the key rotates or settings change.
import type { TenantKeyInfo } from "../../src/auth/principal";
import { defaultPostConfiguration } from "../../src/db/default-post-configuration";
import { parseJson } from "../../src/db/json-column";
import { tenantScope } from "../../src/db/tenant-scope";
import { findTenant } from "../../src/db/tenants";
import type { Platform } from "../../src/platforms/types";
import type { WindowOverride } from "../parts/rate-windows";

const TTL_MS = 60_000;

export interface TenantRecord {
  key: TenantKeyInfo;
  windows: Partial<Record<Platform, WindowOverride>>;
  /** Hashtags per post and platform, from the tenant's default post configuration. */
  maxHashtags: Partial<Record<Platform, number>>;
}

export class TenantRecordCache {
  private cached: { record: TenantRecord; atMs: number } | null = null;

  constructor(
    private readonly env: Env,
    private readonly tenantId: string,
  ) {}

  async get(): Promise<TenantRecord> {
    if (this.cached && Date.now() - this.cached.atMs < TTL_MS) return this.cached.record;
    const tenant = await findTenant(this.env.DB, this.tenantId);
    if (!tenant) throw new Error(`tenant ${this.tenantId} is not in the registry`);
    const settings = parseJson<{ rate_limits?: TenantRecord["windows"] }>(tenant.settings, {});
    const config = await defaultPostConfiguration(tenantScope(this.env, this.tenantId));
    const record = {
      key: { kmsKeyId: tenant.kms_key_id, encryptionVersion: tenant.encryption_version },
      windows: settings.rate_limits ?? {},
      maxHashtags: parseJson<TenantRecord["maxHashtags"]>(config?.max_hashtags_per_platform, {}),
    };
    this.cached = { record, atMs: Date.now() };
    return record;
  }

  async key(): Promise<TenantKeyInfo> {
    return (await this.get()).key;
  }

  forget(): void {
    this.cached = null;
  }
}
