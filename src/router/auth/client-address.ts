// The client address the sign-in throttle counts failures by (objects/identity/
// login-throttle.ts): Cloudflare's CF-Connecting-IP. An IPv6 client counts by its /64
// network, the block one subscriber is normally given: counted by full address, one
// machine would have 2^64 fresh addresses to guess from. Requests without the header
// (local runs, tests) share the address "unknown".
import type { Context } from "hono";
import type { AppEnv } from "../http/app-env";

/** Longest header value taken as given (an IPv6 address is at most 45 characters). */
const MAX_ADDRESS_LENGTH = 64;

export function clientAddress(c: Context<AppEnv>): string {
  return throttleAddress(c.req.header("CF-Connecting-IP"));
}

/** The address as the throttle counts it: IPv4 as given, IPv6 as its /64. */
export function throttleAddress(header: string | undefined): string {
  const value = header?.trim().toLowerCase();
  if (!value) return "unknown";
  if (!value.includes(":")) return value.slice(0, MAX_ADDRESS_LENGTH);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(value);
  if (mapped?.[1]) return mapped[1];
  const groups = expandIpv6(value);
  return groups ? `${groups.slice(0, 4).join(":")}::/64` : value.slice(0, MAX_ADDRESS_LENGTH);
}

/** The eight groups of an IPv6 address, without leading zeros; null when it is not one. */
function expandIpv6(value: string): string[] | null {
  const halves = value.split("::");
  if (halves.length > 2) return null;
  const part = (text: string | undefined) => (text ? text.split(":") : []);
  const head = part(halves[0]);
  const tail = part(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => g.replace(/^0+(?=.)/, ""));
}
