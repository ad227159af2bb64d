// The OAuth authorization server's credentials (docs/mcp.md, OAuth): access tokens,
// refresh tokens and authorization codes, and the PKCE check.
//
// Each is "<kind>_<tenant id>_<secret>": the tenant id routes it to its tenant's object,
// as a session token's claim does, and that object keeps only the SHA-256 digest of the
// whole string (objects/identity/oauth-grants.ts). A forged tenant id reaches an object
// that knows no such digest: refused. The secret is 256 random bits, so a fast hash is
// enough (as for API keys, src/core/auth/api-key-format.ts).
import { randomBytes, sha256, toBase32, toBase64Url, toHex, utf8 } from "../crypto/encoding";
import { idPattern } from "../db/ids";

/** The three kinds: an access token, a refresh token, an authorization code. */
export type OAuthSecretKind = "mcp_at" | "mcp_rt" | "mcp_ac";

const SECRET_BYTES = 32;
const TENANT = idPattern("tenant").source.slice(1, -1);
const SHAPE = new RegExp(`^(mcp_at|mcp_rt|mcp_ac)_(${TENANT})_([A-Za-z0-9_-]{43})$`);

/** Access tokens live an hour; a refresh token 30 days from its last use; a code 5 minutes. */
export const ACCESS_TOKEN_TTL_MS = 60 * 60 * 1000;
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;
export const AUTHORIZATION_CODE_TTL_MS = 5 * 60 * 1000;

export function newOAuthSecret(kind: OAuthSecretKind, tenantId: string): string {
  return `${kind}_${tenantId}_${toBase64Url(randomBytes(SECRET_BYTES))}`;
}

/** The tenant a well-formed secret of `kind` names, or null. */
export function tenantOfOAuthSecret(kind: OAuthSecretKind, candidate: string): string | null {
  const match = SHAPE.exec(candidate);
  return match && match[1] === kind ? (match[2] as string) : null;
}

export function looksLikeOAuthAccessToken(candidate: string): boolean {
  return candidate.startsWith("mcp_at_");
}

/** What the object stores and looks a secret up by: hex SHA-256. */
export async function digestOAuthSecret(secret: string): Promise<string> {
  return toHex(await sha256(utf8(secret)));
}

/** A client id (not a secret: it names a registered client) and a grant id. */
export function newOAuthClientId(): string {
  return `ocl_${toBase32(randomBytes(15)).toLowerCase()}`;
}
export const OAUTH_CLIENT_ID = /^ocl_[a-z2-7]{24}$/;

export function newOAuthGrantId(): string {
  return `ogr_${toBase32(randomBytes(15)).toLowerCase()}`;
}
export const OAUTH_GRANT_ID = /^ogr_[a-z2-7]{24}$/;

/** A confidential client's secret, shown once at registration; stored as its digest. */
export function newClientSecret(): string {
  return toBase64Url(randomBytes(SECRET_BYTES));
}

/** PKCE's code_verifier: 43 to 128 unreserved characters (RFC 7636, section 4.1). */
export const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
/** An S256 code_challenge: base64url of a SHA-256, 43 characters. */
export const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** Whether `verifier` answers the S256 `challenge` (the only method accepted). */
export async function pkceMatches(verifier: string, challenge: string): Promise<boolean> {
  if (!CODE_VERIFIER.test(verifier)) return false;
  const computed = toBase64Url(await sha256(utf8(verifier)));
  // Both are public-length strings; compare without an early exit all the same.
  if (computed.length !== challenge.length) return false;
  let diff = 0;
  for (let i = 0; i < computed.length; i++) diff |= computed.charCodeAt(i) ^ challenge.charCodeAt(i);
  return diff === 0;
}
