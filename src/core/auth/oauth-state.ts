// An OAuth state names its tenant ("<tenant_id>.<nonce>"), so the start and callback
// routes, which carry no credential but the state, can find the tenant's object; only
// the nonce kept there (objects/publishing/oauth-states.ts) makes it valid.
import { randomBytes, toBase64Url } from "../crypto/encoding";

/** The tenant a state names; null when it is not a state's shape. */
export function tenantOfState(state: string): string | null {
  const match = /^(ten_[0-9A-HJKMNP-TV-Z]{26})\.[A-Za-z0-9_-]{32,}$/.exec(state);
  return match?.[1] ?? null;
}

/** A fresh state for `tenantId`: its id, then 256 random bits. */
export function newState(tenantId: string): string {
  return `${tenantId}.${toBase64Url(randomBytes(32))}`;
}
