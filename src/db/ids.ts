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
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${ulid()}`;
}

/** The pattern of an id of `kind`, for validating path parameters. */
export function idPattern(kind: IdKind): RegExp {
  return new RegExp(`^${ID_PREFIXES[kind]}_[0-9A-HJKMNP-TV-Z]{26}$`);
}
