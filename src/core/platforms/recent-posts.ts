// Reading back what a platform holds, to learn the outcome of a publish whose answer
// was lost (objects/publishing/reconcile.ts, docs/publishing.md "Reconciliation"). Each
// adapter lists the account's recent posts (findRecent in ./types.ts) through the
// platform's documented read of them; this module says which of them is the post that
// was sent, without trusting the two clocks to agree: a post's age is reckoned on the
// platform's own clock (its answer's Date header, RFC 9110 section 6.6.1), and the
// time since the send on ours.

/** One of the account's posts as the platform lists it, its text as its author wrote it. */
export interface RecentPost {
  platformPostId: string;
  url: string | null;
  text: string;
  /** When the platform says it was created, on the platform's clock. */
  createdAtMs: number;
}

export type RecentPosts =
  /** The account's latest posts (at most the limit asked for), and the platform's time when it answered. */
  | { kind: "listed"; posts: RecentPost[]; platformNowMs: number }
  /** The platform gives this app no way to read the account's posts: `reason` says why. */
  | { kind: "unsupported"; reason: string };

/** How many of the account's latest posts a reconciliation reads (one page on every platform). */
export const RECENT_POSTS_LIMIT = 25;

/**
 * How far the send may be from the post's creation beyond the time that passed between
 * them: the platform creates the post while the call is under way, and the Date
 * header counts whole seconds.
 */
export const MATCH_SLACK_MS = 2 * 60_000;

/** The platform's time when it answered: its Date header, or `fallbackMs` when it sent none. */
export function platformNowMs(headers: Headers, fallbackMs: number): number {
  const date = Date.parse(headers.get("Date") ?? "");
  return Number.isFinite(date) ? date : fallbackMs;
}

/**
 * A text as compared: Unicode NFC (X and Meta normalise what they store), line ends
 * as LF, runs of spaces and tabs as one, and no white space at either end (platforms
 * trim it). Anything else must be equal: a different text is a different post.
 */
export function comparableText(text: string): string {
  return text
    .normalize("NFC")
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t\u00a0]+/g, " ")
    .replace(/ ?\n ?/g, "\n")
    .trim();
}

export interface SentPost {
  /** The text as it was sent. */
  text: string;
  /** When the send began, and now, both on our clock. */
  sentAtMs: number;
  nowMs: number;
  /** Platform ids this tenant already recorded for other posts of the account: never the one sent. */
  claimed: ReadonlySet<string>;
}

/**
 * The listed post that is the one sent, or null when none is: the same text, not
 * claimed by another post of ours, and created no earlier than the send (its age on
 * the platform's clock at most the time since the send on ours, plus MATCH_SLACK_MS).
 * An older post with the same text is a repeat of an earlier one, never this send.
 * Of several, the earliest created after the send.
 */
export function findSent(listing: Extract<RecentPosts, { kind: "listed" }>, sent: SentPost): RecentPost | null {
  const text = comparableText(sent.text);
  const maxAgeMs = Math.max(0, sent.nowMs - sent.sentAtMs) + MATCH_SLACK_MS;
  const candidates = listing.posts.filter(
    (post) =>
      !sent.claimed.has(post.platformPostId) &&
      listing.platformNowMs - post.createdAtMs <= maxAgeMs &&
      comparableText(post.text) === text,
  );
  candidates.sort((a, b) => a.createdAtMs - b.createdAtMs);
  return candidates[0] ?? null;
}
