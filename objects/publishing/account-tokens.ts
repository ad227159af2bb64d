// The tenant's social-account tokens, and single-flight refresh.
//
// However many callers need a fresh token for one account at once, one of them is
// handed a refresh lease and performs the platform call; the others wait for its
// result. The lease is persisted, so an object evicted mid-refresh neither starts a
// second refresh while the first may still land, nor loses the first one's result:
// the lease holder (the router request, which outlives the object) reports back to
// the new instance. Tokens live in D1, encrypted; this object keeps them decrypted
// in memory only.

import { type Clock, isoNow } from "../../src/core/clock";
import { randomBytes, toBase64Url, utf8 } from "../../src/core/crypto/encoding";
import { TenantCipher } from "../../src/core/crypto/tenant-cipher";
import { auditStatement } from "../../src/core/db/audit-logs";
import {
  type AccountStatus,
  blobBytes,
  getAccount,
  recordAccountError,
  storeRefreshedTokens,
} from "../../src/core/db/social-accounts";
import { tenantScope } from "../../src/core/db/tenant-scope";
import type { Platform } from "../../src/core/platforms/types";
import type { RefreshLease, RefreshOutcome } from "../tenant-object/contract";
import { faultPoint } from "../tenant-object/fault-points";
import { emitAccountEvent, eventAccount } from "../webhooks/post-events";
import type { WebhookEmitter } from "../webhooks/webhook-outbox";
import type { TenantRecordCache } from "./tenant-record";

/** Refresh when less than this is left of an access token. */
export const REFRESH_AHEAD_MS = 5 * 60 * 1000;
/** A token with less than this left is not handed out while a refresh is under way. */
const MIN_VALIDITY_MS = 30 * 1000;
/** How long a refresh lease lasts: longer than a platform call may take. */
export const LEASE_MS = 30 * 1000;
const MAX_BACKOFF_MS = 5 * 60 * 1000;

export interface LoadedAccount {
  accountId: string;
  platform: Platform;
  platformUserId: string;
  status: AccountStatus;
  accessToken: string;
  refreshToken: string | null;
  expiresAtMs: number | null;
}

export type TokenStep =
  | {
      kind: "token";
      accountId: string;
      platform: Platform;
      platformUserId: string;
      accessToken: string;
      version: number;
    }
  | { kind: "refresh"; lease: RefreshLease }
  | { kind: "unavailable"; retryAfterSeconds: number; reason: string }
  | { kind: "revoked"; reason: string }
  | { kind: "missing" };

type StateRow = {
  version: number;
  lease_id: string | null;
  lease_expires_ms: number | null;
  lease_version: number | null;
  backoff_until_ms: number;
  failures: number;
  rejected_version: number | null;
  refreshed_at_ms: number;
};

const ACCESS = "access_token_encrypted";
const REFRESH = "refresh_token_encrypted";

export class AccountTokens {
  private readonly memory = new Map<string, LoadedAccount>();
  private readonly loading = new Map<string, Promise<LoadedAccount | null>>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly states = new Map<string, StateRow>();

  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
    private readonly tenantId: string,
    private readonly tenant: TenantRecordCache,
    private readonly clock: Clock,
    /** account.revoked and account.refresh_failed leave with the refresh's recorded answer. */
    private readonly webhooks: WebhookEmitter,
  ) {}

  private async cipher(): Promise<TenantCipher> {
    return new TenantCipher(this.env.KMS_MASTER_KEY, this.tenantId, await this.tenant.key());
  }

  /** The account's row of account_state, mirrored in memory (changed only through setState). */
  private state(accountId: string): StateRow {
    const cached = this.states.get(accountId);
    if (cached) return cached;
    this.sql.exec("INSERT INTO account_state (account_id) VALUES (?) ON CONFLICT(account_id) DO NOTHING", accountId);
    const row = this.sql.exec<StateRow>("SELECT * FROM account_state WHERE account_id = ?", accountId).one();
    this.states.set(accountId, row);
    return row;
  }

  private setState(accountId: string, changes: Partial<StateRow>): StateRow {
    const columns = Object.keys(changes) as (keyof StateRow)[];
    this.sql.exec(
      `UPDATE account_state SET ${columns.map((column) => `${column} = ?`).join(", ")} WHERE account_id = ?`,
      ...columns.map((column) => changes[column] ?? null),
      accountId,
    );
    const next = { ...this.state(accountId), ...changes };
    this.states.set(accountId, next);
    return next;
  }

  /** The account with its tokens decrypted; loaded once from D1 per object life. */
  load(accountId: string): Promise<LoadedAccount | null> {
    const cached = this.memory.get(accountId);
    if (cached) return Promise.resolve(cached);
    let pending = this.loading.get(accountId);
    if (!pending) {
      pending = this.fetchAccount(accountId).finally(() => this.loading.delete(accountId));
      this.loading.set(accountId, pending);
    }
    return pending;
  }

  private async fetchAccount(accountId: string): Promise<LoadedAccount | null> {
    const row = await getAccount(await tenantScope(this.env, this.tenantId), accountId);
    if (!row) return null;
    const access = blobBytes(row.access_token_encrypted);
    const refresh = row.refresh_token_encrypted ? blobBytes(row.refresh_token_encrypted) : null;
    const cipher = await this.cipher();
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    const account: LoadedAccount = {
      accountId,
      platform: row.platform,
      platformUserId: row.platform_user_id,
      status: row.status,
      accessToken: access.length ? decode(await cipher.decryptBytes("social_accounts", ACCESS, accountId, access)) : "",
      refreshToken: refresh?.length
        ? decode(await cipher.decryptBytes("social_accounts", REFRESH, accountId, refresh))
        : null,
      expiresAtMs: row.expires_at ? Date.parse(row.expires_at) : null,
    };
    this.memory.set(accountId, account);
    return account;
  }

  /** Drops what this object knows of an account (reconnected or disconnected elsewhere). */
  forget(accountId: string): void {
    this.memory.delete(accountId);
    this.setState(accountId, { rejected_version: null, backoff_until_ms: 0, failures: 0 });
  }

  private wait(accountId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiters.get(accountId) ?? new Set();
      this.waiters.set(accountId, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, ms));
      set.add(done);
    });
  }

  private wake(accountId: string): void {
    for (const done of [...(this.waiters.get(accountId) ?? [])]) done();
  }

  /**
   * A token for `accountId`, or a lease to refresh it (the caller refreshes and calls
   * complete()), or why there is none. `rejectedVersion`: the platform refused that
   * token version, so it must not be handed out again.
   */
  async acquire(accountId: string, rejectedVersion?: number): Promise<TokenStep> {
    for (;;) {
      const account = await this.load(accountId);
      if (!account) return { kind: "missing" };
      if (account.status === "revoked") return { kind: "revoked", reason: "the account was revoked; reconnect it" };
      const now = this.clock();
      let state = this.state(accountId);
      if (rejectedVersion !== undefined && rejectedVersion === state.version) {
        state = this.setState(accountId, { rejected_version: rejectedVersion });
      }
      const rejected = state.rejected_version === state.version;
      const usable = !rejected && validLongEnough(account, now);
      const token = tokenOf(account, state);
      if (readyNow(account, state, now)) return token;
      if (state.backoff_until_ms > now) {
        if (usable) return token;
        return {
          kind: "unavailable",
          retryAfterSeconds: Math.ceil((state.backoff_until_ms - now) / 1000),
          reason: "the platform failed to refresh the token; retrying with backoff",
        };
      }
      if (state.lease_id && (state.lease_expires_ms ?? 0) > now) {
        if (usable) return token;
        await this.wait(accountId, (state.lease_expires_ms ?? now) - now);
        continue;
      }
      const lease = this.takeLease(account, state, now);
      await faultPoint("refresh.lease");
      return { kind: "refresh", lease };
    }
  }

  /**
   * A refresh lease taken ahead of any need (token-upkeep.ts renews Instagram tokens
   * before they expire); null when a refresh is under way, backing off, or the
   * account is not active. The holder refreshes and calls complete(), as for acquire().
   */
  async leaseAhead(accountId: string): Promise<RefreshLease | null> {
    const account = await this.load(accountId);
    if (account?.status !== "active") return null;
    const now = this.clock();
    const state = this.state(accountId);
    if (state.backoff_until_ms > now || (state.lease_id && (state.lease_expires_ms ?? 0) > now)) return null;
    return this.takeLease(account, state, now);
  }

  /** A new refresh lease on the account's current token version, recorded before it is handed out. */
  private takeLease(account: LoadedAccount, state: StateRow, now: number): RefreshLease {
    const leaseId = toBase64Url(randomBytes(16));
    this.setState(account.accountId, {
      lease_id: leaseId,
      lease_expires_ms: now + LEASE_MS,
      lease_version: state.version,
    });
    return {
      leaseId,
      accountId: account.accountId,
      platform: account.platform,
      platformUserId: account.platformUserId,
      accessToken: account.accessToken,
      refreshToken: account.refreshToken,
    };
  }

  /**
   * The account's token when it can be used now with nothing to wait for (no refresh
   * due, none refused), decided without an await; null when acquire() has work to do.
   */
  ready(account: LoadedAccount): Extract<TokenStep, { kind: "token" }> | null {
    if (account.status !== "active") return null;
    const state = this.state(account.accountId);
    return readyNow(account, state, this.clock()) ? tokenOf(account, state) : null;
  }

  /** The lease holder reports the platform's answer; waiters get its result. */
  async complete(accountId: string, leaseId: string, outcome: RefreshOutcome): Promise<TokenStep> {
    await faultPoint("refresh.answered");
    const state = this.state(accountId);
    const account = await this.load(accountId);
    if (!account) return { kind: "missing" };
    const scope = await tenantScope(this.env, this.tenantId);
    const now = isoNow(this.clock);
    const actor = { tenantId: this.tenantId, userId: null, ip: null, userAgent: null, requestId: `refresh:${leaseId}` };
    try {
      if (outcome.ok) {
        // A late answer on a lost lease is still the newest token set the platform
        // issued to us (it may have rotated the refresh token): keep it.
        const cipher = await this.cipher();
        const access = await cipher.encryptBytes("social_accounts", ACCESS, accountId, utf8(outcome.accessToken));
        const refresh = outcome.refreshToken
          ? await cipher.encryptBytes("social_accounts", REFRESH, accountId, utf8(outcome.refreshToken))
          : null;
        const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
        await scope.db.batch([
          storeRefreshedTokens(
            scope,
            accountId,
            {
              accessToken: access,
              refreshToken: refresh,
              expiresAt: iso(outcome.expiresAtMs),
              refreshTokenExpiresAt: iso(outcome.refreshTokenExpiresAtMs),
            },
            now,
          ),
          auditStatement(
            scope.db,
            actor,
            {
              action: "social_account.token_refresh",
              resourceType: "social_account",
              resourceId: accountId,
              metadata: {
                rotated_refresh_token: outcome.refreshToken !== null && outcome.refreshToken !== account.refreshToken,
              },
            },
            now,
          ),
        ]);
        await faultPoint("refresh.stored");
        account.accessToken = outcome.accessToken;
        account.refreshToken = outcome.refreshToken ?? account.refreshToken;
        account.expiresAtMs = outcome.expiresAtMs;
        account.status = "active";
        this.setState(accountId, {
          version: this.state(accountId).version + 1,
          lease_id: null,
          lease_expires_ms: null,
          failures: 0,
          backoff_until_ms: 0,
          rejected_version: null,
          refreshed_at_ms: this.clock(),
        });
      } else if (state.lease_id !== leaseId) {
        // A failure on a lease that is no longer ours changes nothing.
      } else if (outcome.kind === "invalid_grant" && state.lease_version !== state.version) {
        // Newer tokens arrived since the lease was taken: the refused credential was stale.
        this.setState(accountId, { lease_id: null, lease_expires_ms: null });
      } else if (outcome.kind === "invalid_grant") {
        await scope.db.batch([
          recordAccountError(scope, accountId, { message: outcome.message, status: "revoked" }, now),
          auditStatement(
            scope.db,
            actor,
            {
              action: "social_account.revoked",
              resourceType: "social_account",
              resourceId: accountId,
              success: false,
              errorMessage: outcome.message,
            },
            now,
          ),
        ]);
        account.status = "revoked";
        this.setState(accountId, { lease_id: null, lease_expires_ms: null });
        emitAccountEvent(this.webhooks, "account.revoked", eventAccount(account), { error: outcome.message });
      } else {
        const failures = state.failures + 1;
        const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (failures - 1));
        await scope.db.batch([recordAccountError(scope, accountId, { message: outcome.message }, now)]);
        this.setState(accountId, {
          lease_id: null,
          lease_expires_ms: null,
          failures,
          backoff_until_ms: this.clock() + backoff,
        });
        // Once per streak of failures: the first tells the tenant; the backoff's retries do not.
        if (failures === 1) {
          emitAccountEvent(this.webhooks, "account.refresh_failed", eventAccount(account), {
            error: outcome.message,
            retry_at: new Date(this.clock() + backoff).toISOString(),
          });
        }
      }
    } finally {
      this.wake(accountId);
    }
    return this.acquire(accountId);
  }
}

function tokenOf(account: LoadedAccount, state: StateRow): Extract<TokenStep, { kind: "token" }> {
  return {
    kind: "token",
    accountId: account.accountId,
    platform: account.platform,
    platformUserId: account.platformUserId,
    accessToken: account.accessToken,
    version: state.version,
  };
}

/** The token is not refused and needs no refresh (or was just refreshed: again would not help). */
function readyNow(account: LoadedAccount, state: StateRow, now: number): boolean {
  const rejected = state.rejected_version === state.version;
  if (rejected) return false;
  const expiresSoon = account.expiresAtMs !== null && account.expiresAtMs - now < REFRESH_AHEAD_MS;
  if (!expiresSoon) return true;
  // A platform that issues short-lived tokens: refreshing again would not help.
  return validLongEnough(account, now) && now - state.refreshed_at_ms < REFRESH_AHEAD_MS;
}

/** The access token does not expire, or not within MIN_VALIDITY_MS. */
function validLongEnough(account: LoadedAccount, now: number): boolean {
  return account.expiresAtMs === null || account.expiresAtMs > now + MIN_VALIDITY_MS;
}
