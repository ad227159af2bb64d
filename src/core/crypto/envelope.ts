// Ciphertexts that name their key version, so keys can rotate.
//
// Layout (bytes): 0x01 format | key version (uint32, big-endian) | 12-byte IV |
// AES-256-GCM ciphertext and tag. The additional authenticated data binds a
// ciphertext to where it belongs (tenant, table, column, row): moved anywhere else,
// it no longer decrypts.
import { fromBase64, fromUtf8, toBase64, utf8 } from "./encoding";
import { deriveTenantKey } from "./tenant-keys";

const FORMAT = 0x01;
const HEADER = 1 + 4 + 12;
/** Prefix of ciphertext stored in TEXT columns. */
const TEXT_PREFIX = "enc1:";

export interface TenantKeyRef {
  /** KMS_MASTER_KEY. */
  masterKey: string;
  kmsKeyId: string;
  /** The version new ciphertexts are written with. */
  version: number;
}

export class DecryptionError extends Error {
  override name = "DecryptionError";
}

export async function encryptBytes(
  key: TenantKeyRef,
  plaintext: Uint8Array<ArrayBuffer>,
  context: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const cryptoKey = await deriveTenantKey(key.masterKey, key.kmsKeyId, key.version);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: utf8(context) }, cryptoKey, plaintext),
  );
  const out = new Uint8Array(HEADER + sealed.byteLength);
  out[0] = FORMAT;
  new DataView(out.buffer).setUint32(1, key.version);
  out.set(iv, 5);
  out.set(sealed, HEADER);
  return out;
}

/** The key version a ciphertext was written with. */
export function ciphertextVersion(ciphertext: Uint8Array): number {
  if (ciphertext.byteLength < HEADER + 16 || ciphertext[0] !== FORMAT) throw new DecryptionError("not a ciphertext");
  return new DataView(ciphertext.buffer, ciphertext.byteOffset).getUint32(1);
}

export async function decryptBytes(
  key: Pick<TenantKeyRef, "masterKey" | "kmsKeyId">,
  ciphertext: Uint8Array,
  context: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const version = ciphertextVersion(ciphertext);
  const cryptoKey = await deriveTenantKey(key.masterKey, key.kmsKeyId, version);
  const iv = ciphertext.slice(5, HEADER);
  try {
    return new Uint8Array(
      await crypto.subtle.decrypt(
        { name: "AES-GCM", iv, additionalData: utf8(context) },
        cryptoKey,
        ciphertext.slice(HEADER),
      ),
    );
  } catch {
    throw new DecryptionError("ciphertext does not decrypt with this tenant's key and context");
  }
}

/** Encrypts text for a TEXT column: "enc1:" + base64 of the envelope. */
export async function encryptText(key: TenantKeyRef, plaintext: string, context: string): Promise<string> {
  return TEXT_PREFIX + toBase64(await encryptBytes(key, utf8(plaintext), context));
}

export function textCiphertextBytes(stored: string): Uint8Array<ArrayBuffer> {
  if (!stored.startsWith(TEXT_PREFIX)) throw new DecryptionError("not an encrypted text value");
  return fromBase64(stored.slice(TEXT_PREFIX.length));
}

export async function decryptText(
  key: Pick<TenantKeyRef, "masterKey" | "kmsKeyId">,
  stored: string,
  context: string,
): Promise<string> {
  return fromUtf8(await decryptBytes(key, textCiphertextBytes(stored), context));
}
