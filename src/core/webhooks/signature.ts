// Webhook signatures by the Standard Webhooks specification (docs/webhooks.md,
// "Signatures"): three headers, `webhook-id` (the event's id, the same on every attempt),
// `webhook-timestamp` (seconds since the epoch, when this attempt was signed) and
// `webhook-signature`: `v1,` and the base64 HMAC-SHA256 of `${id}.${timestamp}.${body}`
// keyed with the secret's bytes (base64 after its `whsec_` prefix). While a rotated-out
// secret is still honoured, the header carries one signature per secret, separated by
// spaces, as the specification allows, so a receiver holding either one verifies.
import { fromBase64, randomBytes, toBase64, utf8 } from "../crypto/encoding";

export const SECRET_PREFIX = "whsec_";
/** Bytes of a new secret: the specification asks for 24 to 64. */
export const SECRET_BYTES = 32;
/** How far a signed timestamp may be from the receiver's clock (the specification's tolerance). */
export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

/** A new signing secret, shown to the tenant once. */
export function newSecret(): string {
  return SECRET_PREFIX + toBase64(randomBytes(SECRET_BYTES));
}

/** The key bytes of a `whsec_` secret. */
export function secretBytes(secret: string): Uint8Array<ArrayBuffer> {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error("a webhook secret starts with whsec_");
  return fromBase64(secret.slice(SECRET_PREFIX.length));
}

async function hmac(secret: string, content: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", secretBytes(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return toBase64(new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8(content))));
}

/** The headers of one attempt: every secret in `secrets` signs (the current one first). */
export async function signedHeaders(
  secrets: readonly string[],
  id: string,
  timestampSeconds: number,
  body: string,
): Promise<Record<string, string>> {
  const content = `${id}.${timestampSeconds}.${body}`;
  const signatures = await Promise.all(secrets.map(async (secret) => `v1,${await hmac(secret, content)}`));
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestampSeconds),
    "webhook-signature": signatures.join(" "),
  };
}

/** Constant-time comparison of two strings of the same alphabet. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export type Verdict = { ok: true } | { ok: false; reason: string };

/**
 * Checks a delivery's headers as a receiver does (the development receiver uses it:
 * src/core/webhooks/receiver-app.ts): the id and timestamp present, the timestamp
 * within the tolerance of `nowSeconds`, and one of the `v1` signatures made with `secret`.
 */
export async function verifySignature(
  secret: string,
  headers: Headers,
  body: string,
  nowSeconds: number,
): Promise<Verdict> {
  const id = headers.get("webhook-id");
  const timestamp = headers.get("webhook-timestamp");
  const signature = headers.get("webhook-signature");
  if (!id || !timestamp || !signature) return { ok: false, reason: "missing webhook-* headers" };
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds)) return { ok: false, reason: "webhook-timestamp is not a number of seconds" };
  if (Math.abs(nowSeconds - seconds) > TIMESTAMP_TOLERANCE_SECONDS) {
    return { ok: false, reason: "webhook-timestamp is too far from now" };
  }
  const expected = (await signedHeaders([secret], id, seconds, body))["webhook-signature"] as string;
  const offered = signature.split(" ").filter((part) => part.startsWith("v1,"));
  return offered.some((part) => sameText(part, expected))
    ? { ok: true }
    : { ok: false, reason: "no signature matches" };
}
