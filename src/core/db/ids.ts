// Identifiers: a short type prefix and a ULID, so ids sort by creation time and say
// what they name ("usr_01J...").
import { ulid } from "ulid";

export const ID_PREFIXES = {
  tenant: "ten",
  user: "usr",
  apiKey: "key",
  auditLog: "log",
  kmsKey: "kms",
  socialAccount: "acc",
  post: "post",
  postAnalytics: "pa",
  benchmark: "bm",
  syncError: "se",
  template: "tpl",
  postConfiguration: "cfg",
  knowledgeEntry: "kbe",
  content: "gen",
  revision: "rev",
  guardResult: "grd",
  skill: "skl",
  skillVersion: "skv",
  skillEmbedding: "ske",
  sharingEvent: "shr",
  abTest: "abt",
  conversion: "cnv",
  tenantExport: "exp",
  erasure: "era",
  // Outgoing webhooks (docs/webhooks.md): an endpoint, an event (its id is webhook-id), an attempt.
  webhookEndpoint: "whe",
  webhookEvent: "evt",
  webhookDelivery: "whd",
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

/**
 * Random fractions for ulid() from a pool of WebCrypto bytes. ulid's own source asks
 * WebCrypto for one byte per character, sixteen calls an id; on the publish path that
 * was about 2% of the isolate's time. Same bytes, same use (a byte / 256 picks one of
 * 32 characters), one call per 4,096 of them. Filled lazily: Workers refuse random
 * values at module scope.
 */
const pool = new Uint8Array(4096);
let nextByte = pool.length;
function pooledRandom(): number {
  if (nextByte >= pool.length) {
    crypto.getRandomValues(pool);
    nextByte = 0;
  }
  return (pool[nextByte++] as number) / 256;
}

/** A new id of `kind`; its time part is `atMs` (a caller's clock), the machine's time unless given. */
export function newId(kind: IdKind, atMs?: number): string {
  return `${ID_PREFIXES[kind]}_${ulid(atMs, pooledRandom)}`;
}

/** The pattern of an id of `kind`, for validating path parameters. */
export function idPattern(kind: IdKind): RegExp {
  return new RegExp(`^${ID_PREFIXES[kind]}_[0-9A-HJKMNP-TV-Z]{26}$`);
}
