// Password hashing: PBKDF2-SHA256 from WebCrypto, parameters stored beside the hash
// ("pbkdf2-sha256$<iterations>$<salt>$<hash>", base64url) so they can be raised
// later without invalidating stored hashes. Not bcrypt: WebCrypto has no bcrypt, and one
// in JavaScript would spend the Worker's CPU.
import { fromBase64Url, randomBytes, timingSafeEqual, toBase64Url, utf8 } from "../crypto/encoding";

/** workerd refuses PBKDF2 above 100,000 iterations; this is its ceiling, and every deployment's count. */
export const PBKDF2_ITERATIONS = 100_000;
/** The lowest count PASSWORD_ITERATIONS may ask for. */
const MIN_CONFIGURED_ITERATIONS = 1_000;
const SALT_BYTES = 16;
const HASH_BYTES = 32;
const SCHEME = "pbkdf2-sha256";

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", utf8(password.normalize("NFKC")), "PBKDF2", false, ["deriveBits"]);
  return new Uint8Array(
    await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, HASH_BYTES * 8),
  );
}

/**
 * The iterations new hashes get: PBKDF2_ITERATIONS, unless the PASSWORD_ITERATIONS
 * binding says fewer. Only the test suite sets it (vitest.config.ts: each sign-in and
 * user creation then costs a hundredth of the CPU); `npm run deploy:check` refuses it in
 * the deployed configuration (scripts/production-config.ts). A value that is not a
 * whole number from 1,000 to 100,000 is an error, not a fallback (fail closed).
 */
export function passwordIterations(env: Pick<Env, "PASSWORD_ITERATIONS">): number {
  const configured = env.PASSWORD_ITERATIONS;
  if (configured === undefined || configured === "") return PBKDF2_ITERATIONS;
  const count = Number(configured);
  if (!Number.isInteger(count) || count < MIN_CONFIGURED_ITERATIONS || count > PBKDF2_ITERATIONS) {
    throw new Error(
      `PASSWORD_ITERATIONS must be a whole number from ${MIN_CONFIGURED_ITERATIONS} to ${PBKDF2_ITERATIONS}, not "${configured}"`,
    );
  }
  return count;
}

export async function hashPassword(password: string, iterations: number): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, iterations);
  return `${SCHEME}$${iterations}$${toBase64Url(salt)}$${toBase64Url(hash)}`;
}

/** Parses a stored hash; null when it is not one of ours. */
function parse(stored: string): { iterations: number; salt: Uint8Array<ArrayBuffer>; hash: Uint8Array } | null {
  const [scheme, iterations, salt, hash] = stored.split("$");
  if (scheme !== SCHEME || !iterations || !salt || !hash) return null;
  const count = Number(iterations);
  if (!Number.isInteger(count) || count < 1 || count > PBKDF2_ITERATIONS) return null;
  try {
    return { iterations: count, salt: fromBase64Url(salt), hash: fromBase64Url(hash) };
  } catch {
    return null;
  }
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  return timingSafeEqual(await derive(password, parsed.salt, parsed.iterations), parsed.hash);
}

/**
 * A hash of a password nobody knows, verified when the user does not exist so that
 * an unknown email costs the same time as a wrong password: it has the iterations new
 * hashes get (passwordIterations).
 */
export function decoyPasswordHash(iterations: number): string {
  return `${SCHEME}$${iterations}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
}
