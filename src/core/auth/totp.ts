// TOTP (RFC 6238) over HOTP (RFC 4226): HMAC-SHA-1, 30-second steps, 6 digits, and
// one step of drift either way. The caller refuses a step already used (replay).
import { fromBase32, randomBytes, toBase32 } from "../crypto/encoding";

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
const DRIFT_STEPS = 1;

export type TotpHash = "SHA-1" | "SHA-256" | "SHA-512";

/** A new 160-bit secret, base32 as authenticator apps expect. */
export function generateTotpSecret(): string {
  return toBase32(randomBytes(20));
}

export function timeStep(unixSeconds: number, period = TOTP_PERIOD_SECONDS): number {
  return Math.floor(unixSeconds / period);
}

/** HOTP value of `counter` for a raw key (RFC 4226 §5.3 dynamic truncation). */
export async function hotp(
  key: Uint8Array<ArrayBuffer>,
  counter: number,
  digits = TOTP_DIGITS,
  hash: TotpHash = "SHA-1",
): Promise<string> {
  const message = new Uint8Array(8);
  const view = new DataView(message.buffer);
  view.setUint32(0, Math.floor(counter / 2 ** 32));
  view.setUint32(4, counter >>> 0);
  const hmacKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", hmacKey, message));
  const offset = (mac[mac.length - 1] as number) & 0x0f;
  const binary =
    (((mac[offset] as number) & 0x7f) << 24) |
    ((mac[offset + 1] as number) << 16) |
    ((mac[offset + 2] as number) << 8) |
    (mac[offset + 3] as number);
  return (binary % 10 ** digits).toString().padStart(digits, "0");
}

/** The code of a base32 secret at a time (seconds since the epoch). */
export function totpAt(secretBase32: string, unixSeconds: number): Promise<string> {
  return hotp(fromBase32(secretBase32), timeStep(unixSeconds));
}

/**
 * The time step `code` matches, allowing one step of drift, or null. Compares every
 * candidate so timing does not reveal which step matched.
 */
export async function matchTotp(secretBase32: string, code: string, unixSeconds: number): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const key = fromBase32(secretBase32);
  const current = timeStep(unixSeconds);
  let matched: number | null = null;
  for (let step = current - DRIFT_STEPS; step <= current + DRIFT_STEPS; step++) {
    if ((await hotp(key, step)) === code && matched === null) matched = step;
  }
  return matched;
}

/** The otpauth:// URI authenticator apps read from a QR code. */
export function otpauthUri(secretBase32: string, account: string, issuer = "DIFY-AGENT"): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  const params = new URLSearchParams({
    secret: secretBase32,
    issuer,
    algorithm: "SHA1",
    digits: String(TOTP_DIGITS),
    period: String(TOTP_PERIOD_SECONDS),
  });
  return `otpauth://totp/${label}?${params}`;
}
