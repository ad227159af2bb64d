// What LinkedIn says about a member's posts that exist, for a reconciliation
// (./recent-posts.ts, docs/publishing.md "Reconciliation"):
// - the Posts API's "Find Posts by Authors" (learn.microsoft.com, LinkedIn Marketing,
//   Community Management > Shares > Posts API: GET /rest/posts?author=…&q=author, a
//   FINDER) lists a member's posts only for an app granted r_member_social, which
//   LinkedIn gives to select developers; for every other app it is refused (403), and
//   the listing is "unsupported";
// - a post created again with the same commentary is refused 422 with the input error
//   DUPLICATE_POST, "Content is a duplicate of urn:li:share:…", naming the post that
//   exists (LinkedIn's answer as clients meet it, e.g. Arisamiga/Linkedin-RSS#5; the
//   Posts API reference does not list it). An app that cannot list the member's posts
//   learns from it that the earlier send went out.
import type { PlatformConfig } from "./config";
import { afterCreate, PlatformError } from "./errors";
import { errorMessage, failure, type PlatformResponse, send } from "./http";
import { LITTLE_TEXT_RESERVED } from "./linkedin-text";
import { platformNowMs, type RecentPosts } from "./recent-posts";

const DUPLICATE_OF = /\bduplicate of (urn:li:(?:share|ugcPost|activity):[0-9A-Za-z_-]+)/i;

/** Whether a LinkedIn error body is the DUPLICATE_POST refusal, by its code or its words. */
function isDuplicate(body: unknown): boolean {
  const inputErrors = (body as { errorDetails?: { inputErrors?: { code?: unknown }[] } } | null)?.errorDetails
    ?.inputErrors;
  if (inputErrors?.some((error) => error.code === "DUPLICATE_POST")) return true;
  return /content is a duplicate/i.test(errorMessage(body));
}

/**
 * The failure of POST /rest/posts: a duplicate refusal carries the post it names
 * (details.duplicate, details.duplicateOf), a 5xx may have created the post
 * (afterCreate), anything else as any LinkedIn failure.
 */
export function linkedinCreateFailure(config: PlatformConfig, response: PlatformResponse): PlatformError {
  const error = failure(config, response);
  if (error.kind === "rejected" && isDuplicate(response.body)) {
    const named = DUPLICATE_OF.exec(errorMessage(response.body))?.[1];
    return new PlatformError("rejected", error.message, {
      ...error.details,
      duplicate: true,
      ...(named ? { duplicateOf: named } : {}),
    });
  }
  return afterCreate(error);
}

const ESCAPED = new RegExp(`\\\\([${LITTLE_TEXT_RESERVED.replace(/[\\\]^-]/g, "\\$&")}])`, "g");

/** A commentary in little text as its author wrote it: hashtag templates as "#tag", escapes undone. */
export function fromLittleText(commentary: string): string {
  return commentary.replace(/\{hashtag\|\\#\|([^}]*)\}/g, (_match, tag: string) => `#${tag}`).replace(ESCAPED, "$1");
}

interface LinkedInPost {
  id?: string;
  commentary?: string;
  createdAt?: number;
  publishedAt?: number;
}

export async function linkedinRecentPosts(
  config: PlatformConfig,
  headers: Record<string, string>,
  memberId: string,
  limit: number,
): Promise<RecentPosts> {
  const url = new URL(`${config.endpoints.apiBase}/rest/posts`);
  // Rest.li 2.0 wants the URN encoded inside the query parameter.
  url.search = `author=${encodeURIComponent(`urn:li:person:${memberId}`)}&q=author&count=${Math.min(100, limit)}&sortBy=CREATED`;
  const response = await send(config, new Request(url, { headers: { ...headers, "X-RestLi-Method": "FINDER" } }));
  if (response.status === 403) {
    return {
      kind: "unsupported",
      reason: `linkedin refuses this app a read of the member's posts (it needs r_member_social, which LinkedIn grants to select developers): ${errorMessage(response.body)}`,
    };
  }
  if (response.status !== 200) throw failure(config, response);
  const elements = (response.body as { elements?: LinkedInPost[] } | null)?.elements ?? [];
  return {
    kind: "listed",
    platformNowMs: platformNowMs(response.headers, config.clock()),
    posts: elements.flatMap((post) => {
      const createdAtMs = post.createdAt ?? post.publishedAt;
      if (!post.id || typeof createdAtMs !== "number") return [];
      return [
        {
          platformPostId: post.id,
          url: `https://www.linkedin.com/feed/update/${post.id}`,
          text: fromLittleText(post.commentary ?? ""),
          createdAtMs,
        },
      ];
    }),
  };
}
