// The tenant's credentials, checked by its TenantObject: API keys by prefix and
// session users by id, read from D1 and kept for a short while.
//
// Every change made through the API (a key revoked, a user suspended, demoted or
// deleted, the tenant deleted or its key rotated) tells this object at once, so such
// a change takes effect on the very next request. The short lifetime only bounds
// how long a change made behind the API's back (by hand in D1) can go unnoticed.
import type { UserPrincipal } from "../../src/core/auth/principal";
import { subscriptionGate } from "../../src/core/billing/subscription";
import type { Clock } from "../../src/core/clock";
import { timingSafeEqual, utf8 } from "../../src/core/crypto/encoding";
import {
  findKeyCredential,
  findSessionCredential,
  type KeyCredentialRow,
  type SessionCredentialRow,
} from "../../src/core/db/credentials";
import type { TenantRecordCache } from "../publishing/tenant-record";
import type { CredentialChange, PresentedCredential } from "../tenant-object/contract";

/** How long a credential read from D1 is trusted without being read again. */
export const CREDENTIAL_TTL_MS = 30_000;

export type CredentialCheck =
  | { ok: true; principal: UserPrincipal; key: { keyId: string; limitPerHour: number } | null }
  /** `knownKey`: the prefix names a key of this tenant, so the refusal is worth an audit row. */
  | { ok: false; reason: string; knownKey: KeyCredentialRow | null };

interface Cached<T> {
  row: T | null;
  atMs: number;
}

export class CredentialCache {
  private readonly keys = new Map<string, Cached<KeyCredentialRow>>();
  private readonly users = new Map<string, Cached<SessionCredentialRow>>();

  /**
   * `clock`: the object's (objects/storage/object-clock.ts), which a key's expiry is
   * checked against. The cache's own lifetime runs on the machine's clock: it waits out
   * changes made behind the API's back, which do not follow the object's time.
   */
  constructor(
    private readonly tenantId: string,
    private readonly tenant: TenantRecordCache,
    private readonly clock: Clock,
  ) {}

  private async read<T>(cache: Map<string, Cached<T>>, id: string, load: () => Promise<T | null>): Promise<T | null> {
    const hit = cache.get(id);
    if (hit && Date.now() - hit.atMs < CREDENTIAL_TTL_MS) return hit.row;
    const row = await load();
    cache.set(id, { row, atMs: Date.now() });
    return row;
  }

  private keyRow(prefix: string): Promise<KeyCredentialRow | null> {
    // The query binds this tenant: a prefix the directory sent here must be this tenant's key.
    return this.read(this.keys, prefix, async () => findKeyCredential(await this.tenant.scope(), prefix));
  }

  private userRow(userId: string): Promise<SessionCredentialRow | null> {
    return this.read(this.users, userId, async () => findSessionCredential(await this.tenant.scope(), userId));
  }

  /** Whether `userId` and the tenant are active now (a live session was checked by the caller, if any). */
  async isActiveUser(userId: string): Promise<boolean> {
    const tenant = await this.tenant.get();
    const row = await this.userRow(userId);
    return row?.user_status === "active" && tenant.status === "active";
  }

  async check(presented: PresentedCredential): Promise<CredentialCheck> {
    const tenant = await this.tenant.get();
    if (presented.kind === "session") {
      const row = await this.userRow(presented.userId);
      if (row?.user_status !== "active" || tenant.status !== "active") {
        return { ok: false, reason: "user or tenant not active", knownKey: null };
      }
      return {
        ok: true,
        key: null,
        principal: {
          kind: "user",
          tenantId: this.tenantId,
          userId: row.user_id,
          role: row.role,
          credential: { kind: "session" },
          keyId: null,
          sessionId: presented.sessionId,
          tenantKey: tenant.key,
          shard: tenant.shard,
          subscription: subscriptionGate(tenant.billing, this.clock()),
        },
      };
    }
    // An OAuth grant is checked by tenant-identity.ts, which asks for its member as a session's.
    if (presented.kind === "oauth") return { ok: false, reason: "not an API key", knownKey: null };
    const row = await this.keyRow(presented.prefix);
    if (!row) return { ok: false, reason: "unknown key", knownKey: null };
    if (!timingSafeEqual(utf8(presented.digest), utf8(row.key_hash)))
      return { ok: false, reason: "wrong secret", knownKey: row };
    const expired = row.expires_at !== null && Date.parse(row.expires_at) <= this.clock();
    if (row.key_status !== "active" || expired) {
      return { ok: false, reason: expired || row.key_status === "expired" ? "expired" : row.key_status, knownKey: row };
    }
    if (row.user_status !== "active" || tenant.status !== "active") {
      return { ok: false, reason: "user or tenant not active", knownKey: null };
    }
    return {
      ok: true,
      key: { keyId: row.key_id, limitPerHour: row.rate_limit_per_hour },
      principal: {
        kind: "user",
        tenantId: this.tenantId,
        userId: row.user_id,
        role: row.role,
        credential: {
          kind: "api_key",
          scopes: JSON.parse(row.scopes) as string[],
          agent: row.kind === "agent",
          requiresApproval: row.requires_approval === 1,
        },
        keyId: row.key_id,
        sessionId: null,
        tenantKey: tenant.key,
        shard: tenant.shard,
        subscription: subscriptionGate(tenant.billing, this.clock()),
      },
    };
  }

  /** A credential changed through the API: forget it now. */
  forget(change: CredentialChange): void {
    if (change.all) {
      this.keys.clear();
      this.users.clear();
      return;
    }
    const keyIds = new Set(change.keyIds ?? []);
    for (const [prefix, cached] of this.keys) {
      if (cached.row && (keyIds.has(cached.row.key_id) || cached.row.user_id === change.userId))
        this.keys.delete(prefix);
    }
    if (change.userId) this.users.delete(change.userId);
  }
}
