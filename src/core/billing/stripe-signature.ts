// Stripe's webhook signature (docs/billing.md, Stripe and subscription states), checked as
// Stripe documents it: the Stripe-Signature header is `t=<unix seconds>,v1=<hex>[,v1=<hex>…]`
// (other schemes, such as v0, are ignored), each v1 the HMAC-SHA256 of `${t}.${raw body}`
// under the endpoint's signing secret (whsec_…, used as UTF-8 text). One matching v1 is
// enough (Stripe sends several while a secret is being rolled). Each is compared in
// constant time (crypto.subtle.timingSafeEqual), every one of them, whichever matches.
//
// Why not Stripe's library (`stripe` on npm): it runs in workerd, but it ships the whole
// API client (about 240 kB minified) for this one HMAC, and its check only refuses a
// timestamp too old, never one from the future; the tolerance here holds both ways.
import { fromHex, timingSafeEqual, toHex, utf8 } from "../crypto/encoding";

/** How far the signed timestamp may be from the receiver's clock, either way (Stripe's default). */
export const STRIPE_TOLERANCE_SECONDS = 300;

export type SignatureCheck =
  | { ok: true; timestamp: number }
  | { ok: false; reason: "malformed" | "no_match" | "too_old" | "too_new" };

interface ParsedHeader {
  timestamp: number;
  signatures: Uint8Array[];
}

/** The header's timestamp and v1 signatures; null when it has neither one timestamp nor a v1. */
export function parseSignatureHeader(header: string): ParsedHeader | null {
  let timestamp: number | null = null;
  const signatures: Uint8Array[] = [];
  for (const item of header.split(",")) {
    const at = item.indexOf("=");
    if (at < 0) return null;
    const key = item.slice(0, at).trim();
    const value = item.slice(at + 1).trim();
    if (key === "t") {
      if (timestamp !== null || !/^\d{1,12}$/.test(value)) return null;
      timestamp = Number(value);
    } else if (key === "v1") {
      // A SHA-256 HMAC is 32 bytes; anything else cannot match and is dropped.
      if (/^[0-9a-f]{64}$/i.test(value)) signatures.push(fromHex(value.toLowerCase()));
    }
  }
  return timestamp === null || signatures.length === 0 ? null : { timestamp, signatures };
}

/** The v1 signature of `payload` signed at `timestamp` (seconds) with `secret`, as Stripe makes it. */
export async function stripeSignature(payload: string, secret: string, timestamp: number): Promise<string> {
  const key = await crypto.subtle.importKey("raw", utf8(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return toHex(new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8(`${timestamp}.${payload}`))));
}

/**
 * Whether `header` signs `payload` (the raw body, as received) with `secret`, at a time
 * within STRIPE_TOLERANCE_SECONDS of `nowMs` either way. `secret` must not be empty (the
 * caller refuses to run without one).
 */
export async function verifyStripeSignature(
  header: string | undefined,
  payload: string,
  secret: string,
  nowMs: number,
): Promise<SignatureCheck> {
  if (secret.length === 0) throw new Error("verifyStripeSignature needs the signing secret");
  const parsed = header ? parseSignatureHeader(header) : null;
  if (!parsed) return { ok: false, reason: "malformed" };
  const expected = fromHex(await stripeSignature(payload, secret, parsed.timestamp));
  let matched = false;
  for (const signature of parsed.signatures) matched = timingSafeEqual(signature, expected) || matched;
  if (!matched) return { ok: false, reason: "no_match" };
  const ageSeconds = Math.floor(nowMs / 1000) - parsed.timestamp;
  if (ageSeconds > STRIPE_TOLERANCE_SECONDS) return { ok: false, reason: "too_old" };
  if (ageSeconds < -STRIPE_TOLERANCE_SECONDS) return { ok: false, reason: "too_new" };
  return { ok: true, timestamp: parsed.timestamp };
}
