// Whether an account's next token refresh is expected to work, from what is stored of
// its tokens (GET /v1/social-accounts shows it as `token`; the pre-flight check of a
// scheduled post asks it for the post's time: objects/publishing/preflight.ts). Each
// platform's rules, from its documentation:
// - LinkedIn: an access token lives 60 days; a refresh token, given only to apps LinkedIn
//   enables for programmatic refresh, lives 365 days from the member's consent and is
//   never extended by refreshing (learn.microsoft.com, "Programmatic Refresh Tokens").
//   Without one, or once it has lapsed, the member must consent again.
// - X: access tokens live two hours, refreshed with offline.access's refresh token, which
//   rotates on every use and has no published lifetime (docs.x.com, "OAuth 2.0
//   Authorization Code Flow with PKCE").
// - Facebook: a Page token derived from a long-lived user token does not expire; the
//   user token (about 60 days) re-derives it if Facebook refuses it (developers.facebook.com,
//   "Long-Lived Access Tokens"). After the user token lapses, a refused Page token
//   cannot be renewed.
// - Instagram: the long-lived token (60 days) renews itself once it is 24 hours old and
//   until it expires, never after (reference/refresh_access_token); token-upkeep.ts
//   renews it ten days ahead.
import type { Platform } from "./types";

/** Refreshes happen this long before an access token's end (objects/publishing/account-tokens.ts, REFRESH_AHEAD_MS). */
const REFRESH_AHEAD_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

export type RefreshExpectation = "ok" | "reconnect_needed";

export interface TokenOutlook {
  expires_at: string | null;
  refresh_expires_at: string | null;
  refresh_expected: RefreshExpectation;
  /** Why a reconnect is needed (null when the refresh is expected to work). */
  reason: string | null;
}

/** What the outlook is read from: the account's row as stored (its times ISO 8601, or null). */
export interface StoredToken {
  platform: Platform;
  status: string;
  expiresAt: string | null;
  refreshTokenExpiresAt: string | null;
  hasRefreshToken: boolean;
  /** When the access token was issued (the last refresh, or the connection). */
  issuedAt: string;
}

const msOf = (value: string | null): number | null => {
  if (value === null) return null;
  const ms = Date.parse(value.includes("T") ? value : `${value.replace(" ", "T")}Z`);
  return Number.isFinite(ms) ? ms : null;
};
const isoOf = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * The outlook of the account's next refresh, as things stand at `nowMs`: whether it is
 * expected to work when it comes (as its access token nears its end; for Facebook,
 * whenever Facebook refuses the Page token).
 */
export function tokenOutlook(token: StoredToken, nowMs: number): TokenOutlook {
  const expiresMs = msOf(token.expiresAt);
  const refreshExpiresMs = msOf(token.refreshTokenExpiresAt);
  const base = { expires_at: isoOf(expiresMs), refresh_expires_at: isoOf(refreshExpiresMs) };
  const reconnect = (reason: string): TokenOutlook => ({ ...base, refresh_expected: "reconnect_needed", reason });
  const ok: TokenOutlook = { ...base, refresh_expected: "ok", reason: null };
  if (token.status === "revoked") {
    return reconnect(
      "the account was revoked (the platform refused its refresh, or it was disconnected): reconnect it",
    );
  }
  if (token.status === "expired") return reconnect("the account's tokens expired: reconnect it");
  switch (token.platform) {
    case "linkedin":
    case "twitter": {
      if (expiresMs === null) return ok;
      if (!token.hasRefreshToken) {
        return reconnect(
          `${token.platform} gave no refresh token: the access token lapses at ${isoOf(expiresMs)} and the account must be connected again before then`,
        );
      }
      // The next refresh comes as the access token nears its end, or at once past it.
      const nextRefreshMs = Math.max(nowMs, expiresMs - REFRESH_AHEAD_MS);
      if (refreshExpiresMs !== null && refreshExpiresMs <= nextRefreshMs) {
        return reconnect(
          `the refresh token lapses at ${isoOf(refreshExpiresMs)}, before the access token needs renewing (a LinkedIn refresh token lives 365 days from the member's consent, never longer): reconnect the account`,
        );
      }
      return ok;
    }
    case "facebook":
      if (refreshExpiresMs !== null && refreshExpiresMs <= nowMs) {
        return reconnect(
          `the long-lived user token lapsed at ${isoOf(refreshExpiresMs)}: the Page token still works, but if Facebook refuses it, it cannot be renewed without reconnecting`,
        );
      }
      return ok;
    case "instagram": {
      if (expiresMs === null) return ok;
      if (expiresMs <= nowMs) {
        return reconnect(
          `the token lapsed at ${isoOf(expiresMs)}; an expired Instagram token cannot be renewed: reconnect the account`,
        );
      }
      // Renewable from 24 hours after its issue until it expires.
      if ((msOf(token.issuedAt) ?? 0) + DAY_MS >= expiresMs) {
        return reconnect(
          `the token lapses at ${isoOf(expiresMs)}, before it may be renewed (Instagram renews a token only once it is 24 hours old): reconnect the account`,
        );
      }
      return ok;
    }
  }
}
