// The pseudonym an erased person's audit rows and authorship keep (docs/privacy.md, "A
// person's rights"): "erased_" and 26 hex characters of an HMAC-SHA256 of their user id,
// under a key derived (HKDF) from KMS_MASTER_KEY for the tenant. Stable, so the trail
// still shows which actions were one person's and an erasure repeated gives the same
// name; keyed, so a user id found elsewhere (a backup) cannot be hashed into it by anyone
// without the master key.
import { fromBase64, toHex, utf8 } from "../crypto/encoding";
import { hkdfSha256 } from "../crypto/tenant-keys";

const SALT = "dify-agent/erased-person/v1";

export async function erasedPseudonym(masterKeyBase64: string, tenantId: string, userId: string): Promise<string> {
  const keyBytes = await hkdfSha256(fromBase64(masterKeyBase64), utf8(SALT), utf8(tenantId), 32);
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8(userId)));
  return `erased_${toHex(mac).slice(0, 26)}`;
}

/** The placeholder an erased value leaves in text. */
export const ERASED_TEXT = "[erased]";
