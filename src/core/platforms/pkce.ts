// PKCE (RFC 7636) with S256, as X requires for OAuth 2.0.
import { randomBytes, sha256, toBase64Url, utf8 } from "../crypto/encoding";

export function generateCodeVerifier(): string {
  return toBase64Url(randomBytes(48));
}

export async function codeChallenge(verifier: string): Promise<string> {
  return toBase64Url(await sha256(utf8(verifier)));
}
