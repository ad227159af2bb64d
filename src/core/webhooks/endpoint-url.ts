// Which URLs a webhook endpoint may have (docs/webhooks.md, "Endpoints"): https, and never
// an address of a private, loopback, link-local or otherwise non-public network, so a
// tenant cannot aim this Worker's requests at the platform's own insides. Literal IP
// addresses are judged by their numbers, whatever form they were written in (the URL
// parser turns 0x7f.1, 2130706433 and 127.1 into 127.0.0.1 first); names by what they
// say (localhost, .local, .internal, single labels, cloud metadata names). A public name
// that resolves to a private address cannot be caught here (a Worker cannot resolve
// names): Cloudflare's fetch from a Worker does not reach private networks, so such a
// delivery fails to connect and is retried like any other failure.
//
// In development mode (src/core/platforms/mode.ts, sandboxEnabled) a local receiver is
// allowed too: http://localhost:<port>/… and http://127.0.0.1:<port>/….
import tlds from "tlds";

/** Longest URL accepted. */
export const MAX_URL_LENGTH = 2048;

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1"]);
const FORBIDDEN_SUFFIXES = [".localhost", ".local", ".internal", ".home.arpa", ".localdomain", ".lan", ".intranet"];
/** Names of metadata services that need no suffix to be private. */
const FORBIDDEN_NAMES = new Set(["localhost", "metadata", "metadata.google.internal", "instance-data"]);
const PUBLIC_TLDS = new Set(tlds);

/** [network, prefix length] of IPv4 ranges that are not public unicast (RFC 6890 and friends). */
const PRIVATE_V4: readonly [string, number][] = [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local (cloud metadata at 169.254.169.254)
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, and the broadcast address
];

function v4Number(address: string): number | null {
  const parts = address.split(".");
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    value = value * 256 + Number(part);
  }
  return value;
}

/** True for an IPv4 address in dotted form that is not public unicast. */
export function isPrivateV4(address: string): boolean {
  const value = v4Number(address);
  if (value === null) return true;
  return PRIVATE_V4.some(([network, prefix]) => {
    const base = v4Number(network) as number;
    const size = 2 ** (32 - prefix);
    return value >= base && value < base + size;
  });
}

/** The eight 16-bit groups of an IPv6 address (without brackets), or null when it is not one. */
function v6Groups(address: string): number[] | null {
  let text = address.toLowerCase();
  const zone = text.indexOf("%");
  if (zone >= 0) return null;
  // A trailing dotted IPv4 (::ffff:1.2.3.4) becomes two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = v4Number(dotted[1] as string);
    if (v4 === null) return null;
    text = `${text.slice(0, dotted.index)}${((v4 >>> 16) & 0xffff).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === "" ? [] : part.split(":"));
  const head = parse(halves[0] as string);
  const tail = halves.length === 2 ? parse(halves[1] as string) : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return null;
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => Number.parseInt(g, 16));
}

/** True for an IPv6 address that is not global unicast (or maps to a private IPv4 one). */
export function isPrivateV6(address: string): boolean {
  const g = v6Groups(address);
  if (!g) return true;
  const [a = 0, b = 0, , , , , c = 0, d = 0] = g;
  const v4Tail = () => `${c >> 8}.${c & 255}.${d >> 8}.${d & 255}`;
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), 64:ff9b::a.b.c.d (NAT64): judged as the IPv4 address.
  if (g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0)) return isPrivateV4(v4Tail());
  if (a === 0x64 && b === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return isPrivateV4(v4Tail());
  // Global unicast is 2000::/3; within it, documentation (2001:db8::/32) and the
  // 6to4 and Teredo relays (2002::/16, 2001::/32) are not endpoints anyone should reach.
  if ((a & 0xe000) !== 0x2000) return true;
  if (a === 0x2001 && (b === 0x0db8 || b === 0)) return true;
  return a === 0x2002;
}

/** True for a host name (not an address) that names something private or local. */
function isPrivateName(host: string): boolean {
  const name = host.replace(/\.$/, "").toLowerCase();
  if (FORBIDDEN_NAMES.has(name)) return true;
  if (FORBIDDEN_SUFFIXES.some((suffix) => name.endsWith(suffix))) return true;
  const labels = name.split(".");
  // A single label is an intranet name; a name must end in a public top-level domain.
  return labels.length < 2 || !PUBLIC_TLDS.has(labels.at(-1) as string);
}

/** Why `value` cannot be an endpoint's URL, or null when it can. `development`: a local receiver is allowed. */
export function endpointUrlProblem(value: string, development: boolean): string | null {
  if (value.length > MAX_URL_LENGTH) return `must be at most ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be an absolute URL";
  }
  if (url.username || url.password) return "must not carry credentials";
  if (url.hash) return "must not have a fragment";
  const host = url.hostname;
  if (development && url.protocol === "http:" && LOCAL_HOSTS.has(host)) return null;
  if (url.protocol !== "https:") return "must be an https URL";
  if (host.startsWith("[")) {
    return isPrivateV6(host.slice(1, -1)) ? "must not be a private, loopback or link-local address" : null;
  }
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) {
    return isPrivateV4(host) ? "must not be a private, loopback or link-local address" : null;
  }
  return isPrivateName(host) ? "must name a public host (not localhost, a local or internal name)" : null;
}
