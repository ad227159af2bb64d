// Social accounts of a tenant. Tokens are stored only as ciphertext (the tenant's
// key; src/core/crypto) and never leave through these views.
import { unavailableMetrics } from "../platforms/metric-availability";
import { type StoredToken, tokenOutlook } from "../platforms/token-outlook";
import type { Platform } from "../platforms/types";
import type { TenantScope } from "./tenant-scope";
import { iso, isoOrNull } from "./time";

export type AccountStatus = "active" | "expired" | "revoked" | "error";

export interface SocialAccountRow {
  account_id: string;
  tenant_id: string;
  platform: Platform;
  platform_user_id: string;
  account_name: string | null;
  account_handle: string | null;
  access_token_encrypted: ArrayBuffer | number[];
  refresh_token_encrypted: ArrayBuffer | number[] | null;
  expires_at: string | null;
  refresh_token_expires_at: string | null;
  scopes: string | null;
  status: AccountStatus;
  last_used_at: string | null;
  last_refresh_at: string | null;
  error_count: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/** What the token outlook reads of an account (src/core/platforms/token-outlook.ts). */
export function storedTokenOf(row: SocialAccountRow): StoredToken {
  return {
    platform: row.platform,
    status: row.status,
    expiresAt: row.expires_at,
    refreshTokenExpiresAt: row.refresh_token_expires_at,
    hasRefreshToken: row.refresh_token_encrypted !== null,
    issuedAt: row.last_refresh_at ?? row.created_at,
  };
}

/**
 * An account as the API shows it. `reads` says what this deployment may read of
 * platforms that need an approval (src/core/platforms/metric-availability.ts); `nowMs`
 * is when its token's outlook is told (`token`: its expiry, and whether the next refresh
 * is expected to work).
 */
export function toSocialAccount(row: SocialAccountRow, reads: { linkedInPostAnalytics: boolean }, nowMs: number) {
  const scopes = row.scopes ? (JSON.parse(row.scopes) as string[]) : [];
  return {
    id: row.account_id,
    platform: row.platform,
    platform_user_id: row.platform_user_id,
    name: row.account_name,
    handle: row.account_handle,
    status: row.status,
    scopes,
    unavailable_metrics: unavailableMetrics(row.platform, scopes, reads),
    token_expires_at: isoOrNull(row.expires_at),
    token: tokenOutlook(storedTokenOf(row), nowMs),
    last_used_at: isoOrNull(row.last_used_at),
    last_refresh_at: isoOrNull(row.last_refresh_at),
    error_count: row.error_count,
    last_error: row.last_error,
    created_at: iso(row.created_at),
    updated_at: isoOrNull(row.updated_at) ?? iso(row.created_at),
  };
}

export function blobBytes(value: ArrayBuffer | number[] | Uint8Array): Uint8Array {
  if (value instanceof Uint8Array) return value;
  return value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value);
}

export interface ConnectedAccount {
  accountId: string;
  platform: Platform;
  platformUserId: string;
  name: string | null;
  handle: string | null;
  accessToken: Uint8Array;
  refreshToken: Uint8Array | null;
  expiresAt: string | null;
  refreshTokenExpiresAt: string | null;
  scopes: string[];
  now: string;
}

/**
 * Inserts the account, or reconnects the same platform identity: fresh tokens,
 * active again, errors forgotten. The account keeps its id either way.
 */
export function upsertAccount(scope: TenantScope, account: ConnectedAccount): D1PreparedStatement {
  return scope.db
    .prepare(
      `INSERT INTO social_accounts (account_id, tenant_id, platform, platform_user_id, account_name, account_handle,
         access_token_encrypted, refresh_token_encrypted, expires_at, refresh_token_expires_at, scopes, status,
         last_refresh_at, error_count, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, 0, ?, ?)
       ON CONFLICT(tenant_id, platform, platform_user_id) DO UPDATE SET
         account_name = excluded.account_name, account_handle = excluded.account_handle,
         access_token_encrypted = excluded.access_token_encrypted,
         refresh_token_encrypted = COALESCE(excluded.refresh_token_encrypted, social_accounts.refresh_token_encrypted),
         expires_at = excluded.expires_at, refresh_token_expires_at = excluded.refresh_token_expires_at,
         scopes = excluded.scopes, status = 'active', error_count = 0, last_error = NULL,
         last_refresh_at = excluded.last_refresh_at, updated_at = excluded.updated_at`,
    )
    .bind(
      account.accountId,
      scope.tenantId,
      account.platform,
      account.platformUserId,
      account.name,
      account.handle,
      account.accessToken,
      account.refreshToken,
      account.expiresAt,
      account.refreshTokenExpiresAt,
      JSON.stringify(account.scopes),
      account.now,
      account.now,
      account.now,
    );
}

export function getAccount(scope: TenantScope, accountId: string): Promise<SocialAccountRow | null> {
  return scope.db
    .prepare("SELECT * FROM social_accounts WHERE tenant_id = ? AND account_id = ?")
    .bind(scope.tenantId, accountId)
    .first<SocialAccountRow>();
}

export function findAccountByIdentity(
  scope: TenantScope,
  platform: Platform,
  platformUserId: string,
): Promise<SocialAccountRow | null> {
  return scope.db
    .prepare("SELECT * FROM social_accounts WHERE tenant_id = ? AND platform = ? AND platform_user_id = ?")
    .bind(scope.tenantId, platform, platformUserId)
    .first<SocialAccountRow>();
}

export async function listAccounts(
  scope: TenantScope,
  options: { afterId?: string; limit: number; platform?: Platform; status?: AccountStatus },
): Promise<{ rows: SocialAccountRow[]; hasMore: boolean }> {
  const { results } = await scope.db
    .prepare(
      `SELECT * FROM social_accounts
       WHERE tenant_id = ?1 AND (?2 IS NULL OR account_id > ?2) AND (?3 IS NULL OR platform = ?3)
         AND (?4 IS NULL OR status = ?4)
       ORDER BY account_id LIMIT ?5`,
    )
    .bind(scope.tenantId, options.afterId ?? null, options.platform ?? null, options.status ?? null, options.limit + 1)
    .all<SocialAccountRow>();
  return { rows: results.slice(0, options.limit), hasMore: results.length > options.limit };
}

/** Stores refreshed tokens in one statement: a rotated refresh token is never lost. */
export function storeRefreshedTokens(
  scope: TenantScope,
  accountId: string,
  tokens: {
    accessToken: Uint8Array;
    refreshToken: Uint8Array | null;
    expiresAt: string | null;
    refreshTokenExpiresAt: string | null;
  },
  now: string,
): D1PreparedStatement {
  return scope.db
    .prepare(
      `UPDATE social_accounts SET access_token_encrypted = ?,
         refresh_token_encrypted = COALESCE(?, refresh_token_encrypted), expires_at = ?,
         refresh_token_expires_at = COALESCE(?, refresh_token_expires_at), last_refresh_at = ?,
         status = 'active', error_count = 0, last_error = NULL, updated_at = ?
       WHERE tenant_id = ? AND account_id = ? AND status <> 'revoked'`,
    )
    .bind(
      tokens.accessToken,
      tokens.refreshToken,
      tokens.expiresAt,
      tokens.refreshTokenExpiresAt,
      now,
      now,
      scope.tenantId,
      accountId,
    );
}

export function recordAccountError(
  scope: TenantScope,
  accountId: string,
  error: { message: string; status?: AccountStatus },
  now: string,
): D1PreparedStatement {
  return scope.db
    .prepare(
      `UPDATE social_accounts SET error_count = error_count + 1, last_error = ?, status = COALESCE(?, status),
         updated_at = ? WHERE tenant_id = ? AND account_id = ?`,
    )
    .bind(error.message.slice(0, 500), error.status ?? null, now, scope.tenantId, accountId);
}

/** Marks accounts used at `now` (at most 100 ids). */
export function touchAccounts(scope: TenantScope, accountIds: readonly string[], now: string): D1PreparedStatement {
  return scope.db
    .prepare(
      `UPDATE social_accounts SET last_used_at = ?3
       WHERE tenant_id = ?2 AND account_id IN (SELECT value FROM json_each(?1))`,
    )
    .bind(JSON.stringify(accountIds), scope.tenantId, now);
}

/** Disconnects: revoked, and the tokens overwritten (the row stays for its posts). */
export function disconnectAccount(scope: TenantScope, accountId: string, now: string): D1PreparedStatement {
  return scope.db
    .prepare(
      `UPDATE social_accounts SET status = 'revoked', access_token_encrypted = X'', refresh_token_encrypted = NULL,
         last_error = 'disconnected', updated_at = ? WHERE tenant_id = ? AND account_id = ?`,
    )
    .bind(now, scope.tenantId, accountId);
}
