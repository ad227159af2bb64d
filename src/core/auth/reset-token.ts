// Password reset tokens: "reset.<tenant id>.<secret>", the secret 32 random bytes
// (base64url). The tenant id routes an unauthenticated redemption to the tenant's
// TenantObject, which keeps only the token's SHA-256 (objects/identity/password-resets.ts):
// a token is shown once, to the owner or admin who asked for it. SHA-256, not a slow
// hash: 256 random bits cannot be guessed (as for API keys, src/core/auth/api-key-format.ts).
import { randomBytes, sha256, toBase64Url, toHex, utf8 } from "../crypto/encoding";

const SECRET_BYTES = 32;
/** A well-formed token; group 1 is the tenant id. */
export const RESET_TOKEN_PATTERN = /^reset\.(ten_[0-9A-HJKMNP-TV-Z]{26})\.[A-Za-z0-9_-]{43}$/;

export function newResetToken(tenantId: string): string {
  return `reset.${tenantId}.${toBase64Url(randomBytes(SECRET_BYTES))}`;
}

/** The tenant a well-formed token names; null for anything else. */
export function tenantOfResetToken(token: string): string | null {
  return RESET_TOKEN_PATTERN.exec(token)?.[1] ?? null;
}

/** Hex SHA-256 of the whole token (its tenant included): all that is stored. */
export async function digestResetToken(token: string): Promise<string> {
  return toHex(await sha256(utf8(token)));
}
