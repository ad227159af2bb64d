// Pending OAuth authorizations of the tenant: a single-use, expiring state per
// connect request, and the PKCE verifier that goes with it. The state names its
// tenant ("<tenant_id>.<nonce>") so the callback, which carries no credential but
// the state, can find this object; only the nonce held here makes it valid.
import { randomBytes, toBase64Url } from "../../src/crypto/encoding";
import type { Platform } from "../../src/platforms/types";

export const OAUTH_STATE_TTL_MS = 10 * 60 * 1000;

export interface PendingAuthorization {
  platform: Platform;
  userId: string;
  redirectUri: string;
  returnTo: string | null;
  codeVerifier: string | null;
}

export function tenantOfState(state: string): string | null {
  const match = /^(ten_[0-9A-HJKMNP-TV-Z]{26})\.[A-Za-z0-9_-]{32,}$/.exec(state);
  return match?.[1] ?? null;
}

export function createState(
  sql: SqlStorage,
  tenantId: string,
  pending: PendingAuthorization,
  nowMs: number,
): { state: string; expiresAtMs: number } {
  sql.exec("DELETE FROM oauth_states WHERE expires_at_ms <= ?", nowMs);
  const state = `${tenantId}.${toBase64Url(randomBytes(32))}`;
  const expiresAtMs = nowMs + OAUTH_STATE_TTL_MS;
  sql.exec(
    `INSERT INTO oauth_states (state, platform, user_id, redirect_uri, return_to, code_verifier, expires_at_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    state,
    pending.platform,
    pending.userId,
    pending.redirectUri,
    pending.returnTo,
    pending.codeVerifier,
    expiresAtMs,
  );
  return { state, expiresAtMs };
}

/** Takes the state out (single use); null when unknown, used or expired. */
export function consumeState(sql: SqlStorage, state: string, nowMs: number): PendingAuthorization | null {
  const row = sql
    .exec<{
      platform: Platform;
      user_id: string;
      redirect_uri: string;
      return_to: string | null;
      code_verifier: string | null;
      expires_at_ms: number;
    }>("DELETE FROM oauth_states WHERE state = ? RETURNING *", state)
    .toArray()[0];
  if (!row || row.expires_at_ms <= nowMs) return null;
  return {
    platform: row.platform,
    userId: row.user_id,
    redirectUri: row.redirect_uri,
    returnTo: row.return_to,
    codeVerifier: row.code_verifier,
  };
}
