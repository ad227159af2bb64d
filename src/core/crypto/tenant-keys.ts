// Per-tenant data keys: AES-256-GCM keys derived by HKDF-SHA256 (RFC 5869) from the
// KMS_MASTER_KEY secret and the tenant's kms_key_id. A key version is part of the
// derivation, so rotating to version n+1 gives a new key while every older version
// can still be derived to read what it wrote.
import { fromBase64, utf8 } from "./encoding";

const SALT_PREFIX = "dify-agent/tenant-data-key/v";

export class MasterKeyError extends Error {
  override name = "MasterKeyError";
}

async function importMaster(masterKeyBase64: string): Promise<CryptoKey> {
  let raw: Uint8Array<ArrayBuffer>;
  try {
    raw = fromBase64(masterKeyBase64);
  } catch {
    throw new MasterKeyError("KMS_MASTER_KEY is not base64");
  }
  if (raw.byteLength < 32) throw new MasterKeyError("KMS_MASTER_KEY must hold at least 32 bytes");
  return crypto.subtle.importKey("raw", raw, "HKDF", false, ["deriveKey", "deriveBits"]);
}

/** HKDF-SHA256 output of `length` bytes (exposed for the RFC 5869 test vectors). */
export async function hkdfSha256(
  ikm: Uint8Array<ArrayBuffer>,
  salt: Uint8Array<ArrayBuffer>,
  info: Uint8Array<ArrayBuffer>,
  length: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const key = await crypto.subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt, info }, key, length * 8);
  return new Uint8Array(bits);
}

/** The AES-256-GCM key of (tenant key id, version). Non-extractable. */
export async function deriveTenantKey(masterKeyBase64: string, kmsKeyId: string, version: number): Promise<CryptoKey> {
  if (!Number.isInteger(version) || version < 1) throw new RangeError(`invalid key version ${version}`);
  const master = await importMaster(masterKeyBase64);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: utf8(`${SALT_PREFIX}${version}`), info: utf8(kmsKeyId) },
    master,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}
