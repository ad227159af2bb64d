// The sandbox's side of PKCE (RFC 7636, section 4.6): the token endpoint recomputes
// the S256 challenge from the presented code_verifier and compares it with the one
// the authorize request carried. A verifier must be 43 to 128 characters of
// [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~" (section 4.1); anything else fails.
import { sha256, toBase64Url, utf8 } from "../crypto/encoding";

const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** Whether `verifier` answers the S256 `challenge` (BASE64URL(SHA256(ASCII(verifier)))). */
export async function verifierMatches(verifier: string, challenge: string): Promise<boolean> {
  if (!VERIFIER.test(verifier)) return false;
  return toBase64Url(await sha256(utf8(verifier))) === challenge;
}
