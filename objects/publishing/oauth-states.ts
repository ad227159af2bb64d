// Pending OAuth authorizations of the tenant: a single-use, expiring state per
// connect request, the PKCE verifier that goes with it, the platform's authorize URL,
// and the browser the flow is bound to. The state names its tenant
// ("<tenant_id>.<nonce>") so the start and callback routes, which carry no credential
// but the state, can find this object; only the nonce held here makes it valid.
//
// Binding (issue 11, item 4): only the SHA-256 of a random binding secret is kept;
// the secret itself lives in an HttpOnly cookie of the browser (src/http/oauth-binding.ts).
// A state is bound at connect to the caller's cookie. When the caller is a page of
// this site (a browser), the state is claimed by it at once. Otherwise (an API client
// that will hand the URL to its user) the first browser that opens the start URL
// claims it. From then on only that browser may open it again or complete the callback. A callback from any other
// browser is refused without consuming the state, so a third party cannot burn it.
import { timingSafeEqual, utf8 } from "../../src/crypto/encoding";
import { tenantOfState } from "../../src/http/oauth-state";
import type { Platform } from "../../src/platforms/types";
import type { CallbackOutcome, NewAuthorization, StartOutcome } from "../tenant-object/contract";

export const OAUTH_STATE_TTL_MS = 10 * 60 * 1000;

type StateRow = {
  platform: Platform;
  user_id: string;
  redirect_uri: string;
  return_to: string | null;
  code_verifier: string | null;
  expires_at_ms: number;
  authorize_url: string | null;
  binding_hash: string | null;
  claimed_at_ms: number | null;
};

function sameHash(presented: string | null, stored: string | null): boolean {
  return presented !== null && stored !== null && timingSafeEqual(utf8(presented), utf8(stored));
}

function liveRow(sql: SqlStorage, state: string, nowMs: number): StateRow | null {
  const row = sql.exec<StateRow>("SELECT * FROM oauth_states WHERE state = ?", state).toArray()[0];
  return row && row.expires_at_ms > nowMs ? row : null;
}

export function createState(
  sql: SqlStorage,
  tenantId: string,
  pending: NewAuthorization,
  nowMs: number,
): { state: string; expiresAtMs: number } {
  if (tenantOfState(pending.state) !== tenantId) throw new Error("an OAuth state must name its own tenant");
  sql.exec("DELETE FROM oauth_states WHERE expires_at_ms <= ?", nowMs);
  const expiresAtMs = nowMs + OAUTH_STATE_TTL_MS;
  sql.exec(
    `INSERT INTO oauth_states (state, platform, user_id, redirect_uri, return_to, code_verifier, expires_at_ms,
                               authorize_url, binding_hash, claimed_at_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    pending.state,
    pending.platform,
    pending.userId,
    pending.redirectUri,
    pending.returnTo,
    pending.codeVerifier,
    expiresAtMs,
    pending.authorizeUrl,
    pending.bindingHash,
    pending.claimed ? nowMs : null,
  );
  return { state: pending.state, expiresAtMs };
}

/**
 * A browser opens the start URL. `presentedHash` is the hash of its cookie for this
 * state (null: none); `claimHash` is the hash of a fresh secret, bound if it claims.
 * Synchronous: the check and the claim cannot interleave with another browser's.
 */
export function startState(
  sql: SqlStorage,
  state: string,
  platform: Platform,
  presentedHash: string | null,
  claimHash: string,
  nowMs: number,
): StartOutcome {
  const row = liveRow(sql, state, nowMs);
  if (!row || row.platform !== platform || !row.authorize_url) return { kind: "unknown" };
  if (sameHash(presentedHash, row.binding_hash)) {
    if (row.claimed_at_ms === null) sql.exec("UPDATE oauth_states SET claimed_at_ms = ? WHERE state = ?", nowMs, state);
    return { kind: "bound", authorizeUrl: row.authorize_url, expiresAtMs: row.expires_at_ms };
  }
  // The same claim again (the router retried after a reset of this object).
  if (sameHash(claimHash, row.binding_hash)) {
    return { kind: "claimed", authorizeUrl: row.authorize_url, expiresAtMs: row.expires_at_ms };
  }
  if (row.claimed_at_ms !== null) return { kind: "refused" };
  sql.exec("UPDATE oauth_states SET binding_hash = ?, claimed_at_ms = ? WHERE state = ?", claimHash, nowMs, state);
  return { kind: "claimed", authorizeUrl: row.authorize_url, expiresAtMs: row.expires_at_ms };
}

/**
 * Takes the state out (single use) when `presentedHash` is the browser it is bound
 * to; otherwise leaves it in place.
 */
export function consumeState(
  sql: SqlStorage,
  state: string,
  presentedHash: string | null,
  nowMs: number,
): CallbackOutcome {
  const row = liveRow(sql, state, nowMs);
  if (!row) return { kind: "unknown" };
  if (!sameHash(presentedHash, row.binding_hash)) return { kind: "unbound" };
  sql.exec("DELETE FROM oauth_states WHERE state = ?", state);
  return {
    kind: "ok",
    pending: {
      platform: row.platform,
      userId: row.user_id,
      redirectUri: row.redirect_uri,
      returnTo: row.return_to,
      codeVerifier: row.code_verifier,
    },
  };
}
