// Pending OAuth authorizations of the tenant: a single-use, expiring state per
// connect request, the PKCE verifier that goes with it, the platform's authorize URL,
// who asked (the member, and the API key they used), and the browser the flow is
// bound to. The state names its tenant ("<tenant_id>.<nonce>") so the start and
// callback routes, which carry no credential but the state, can find this object;
// only the nonce held here makes it valid.
//
// Binding (docs/publishing.md, "OAuth binding"): only the SHA-256 of a random binding secret is
// kept; the secret itself lives in an HttpOnly cookie of the browser
// (src/router/http/oauth-binding.ts). A state is bound at connect to the caller's cookie.
// When the caller is a page of this site (a browser), the state is claimed by it at
// once, and its start URL goes straight on to the platform. Otherwise (an API client
// that hands the URL to someone) the first browser that opens the start URL claims
// it, and is shown this site's page naming the tenant and the member who asked: only
// its confirmation (consentState) lets it go on, and the callback refuses a state
// claimed that way and never confirmed. From then on only that browser may open it
// again or complete the callback. A callback from any other browser is refused
// without consuming the state, so a third party cannot burn it.

import { tenantOfState } from "../../src/core/auth/oauth-state";
import { timingSafeEqual, utf8 } from "../../src/core/crypto/encoding";
import type { Platform } from "../../src/core/platforms/types";
import type {
  CallbackOutcome,
  ConsentOutcome,
  NewAuthorization,
  OAuthStarter,
  StartOutcome,
} from "../tenant-object/contract";

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
  key_id: string | null;
  claimed_by_link: number;
  consented_at_ms: number | null;
};

function sameHash(presented: string | null, stored: string | null): boolean {
  return presented !== null && stored !== null && timingSafeEqual(utf8(presented), utf8(stored));
}

function starterOf(row: StateRow): OAuthStarter {
  return { userId: row.user_id, keyId: row.key_id };
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
    `INSERT INTO oauth_states (state, platform, user_id, key_id, redirect_uri, return_to, code_verifier, expires_at_ms,
                               authorize_url, binding_hash, claimed_at_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    pending.state,
    pending.platform,
    pending.userId,
    pending.keyId,
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
  const consent = (claimed: boolean): StartOutcome => ({
    kind: "consent",
    claimed,
    starter: starterOf(row),
    expiresAtMs: row.expires_at_ms,
  });
  if (sameHash(presentedHash, row.binding_hash)) {
    // The browser that claimed it by opening the link, back again: the page again.
    if (row.claimed_by_link === 1) return consent(false);
    if (row.claimed_at_ms === null) sql.exec("UPDATE oauth_states SET claimed_at_ms = ? WHERE state = ?", nowMs, state);
    return { kind: "bound", authorizeUrl: row.authorize_url, expiresAtMs: row.expires_at_ms };
  }
  // The same claim again (the router retried after a reset of this object).
  if (sameHash(claimHash, row.binding_hash)) return consent(true);
  if (row.claimed_at_ms !== null) return { kind: "refused" };
  sql.exec(
    "UPDATE oauth_states SET binding_hash = ?, claimed_at_ms = ?, claimed_by_link = 1 WHERE state = ?",
    claimHash,
    nowMs,
    state,
  );
  return consent(true);
}

/**
 * The bound browser confirmed on this site's page (its form's token was checked by
 * the router against the same cookie): on to the platform. Any other browser is
 * refused and nothing changes.
 */
export function consentState(
  sql: SqlStorage,
  state: string,
  platform: Platform,
  presentedHash: string | null,
  nowMs: number,
): ConsentOutcome {
  const row = liveRow(sql, state, nowMs);
  if (!row || row.platform !== platform || !row.authorize_url) return { kind: "unknown" };
  if (!sameHash(presentedHash, row.binding_hash)) return { kind: "refused" };
  if (row.consented_at_ms === null) {
    sql.exec("UPDATE oauth_states SET consented_at_ms = ? WHERE state = ?", nowMs, state);
  }
  return { kind: "ok", authorizeUrl: row.authorize_url, starter: starterOf(row) };
}

/**
 * Takes the state out (single use) when `presentedHash` is the browser it is bound
 * to and, if that browser claimed it by opening the link, it confirmed; otherwise
 * leaves it in place. (The platform's authorize URL can be rebuilt by whoever holds
 * the state, so the callback, not only the start route, insists on the confirmation.)
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
  if (row.claimed_by_link === 1 && row.consented_at_ms === null) return { kind: "unconfirmed" };
  sql.exec("DELETE FROM oauth_states WHERE state = ?", state);
  return {
    kind: "ok",
    pending: {
      platform: row.platform,
      userId: row.user_id,
      keyId: row.key_id,
      redirectUri: row.redirect_uri,
      returnTo: row.return_to,
      codeVerifier: row.code_verifier,
    },
  };
}
