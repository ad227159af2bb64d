// API keys: "dify_<prefix>_<secret>". The prefix (random, 12 base32 characters) is
// stored in clear to find the key; the whole key is stored only as its SHA-256
// digest. SHA-256, not bcrypt: the secret has 160 bits of entropy, so a slow hash
// adds nothing but CPU.
import { randomBytes, sha256, toBase32, toHex, utf8 } from "../crypto/encoding";

const PREFIX_BYTES = 8; // 12 base32 characters after trimming
const SECRET_BYTES = 20; // 32 base32 characters
const KEY_PATTERN = /^dify_([a-z2-7]{12})_([a-z2-7]{32})$/;

export interface GeneratedApiKey {
  /** The full key, shown once. */
  key: string;
  /** "dify_<prefix>": stored in api_keys.key_prefix. */
  keyPrefix: string;
  /** Hex SHA-256 of the full key: stored in api_keys.key_hash. */
  keyHash: string;
}

export async function generateApiKey(): Promise<GeneratedApiKey> {
  const prefix = toBase32(randomBytes(PREFIX_BYTES)).slice(0, 12).toLowerCase();
  const secret = toBase32(randomBytes(SECRET_BYTES)).toLowerCase();
  const key = `dify_${prefix}_${secret}`;
  return { key, keyPrefix: `dify_${prefix}`, keyHash: await digestApiKey(key) };
}

/** The stored prefix of a well-formed key, or null. */
export function apiKeyPrefix(candidate: string): string | null {
  const match = KEY_PATTERN.exec(candidate);
  return match ? `dify_${match[1]}` : null;
}

export function looksLikeApiKey(candidate: string): boolean {
  return candidate.startsWith("dify_");
}

export async function digestApiKey(key: string): Promise<string> {
  return toHex(await sha256(utf8(key)));
}
