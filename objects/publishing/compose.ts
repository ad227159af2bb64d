// The text as it goes out: hashtags appended, and, when the post carries UTM
// parameters, every link in it tagged with them (existing parameters win). And the
// post's D1 record as it is admitted, with that text.
import { draftRow, type PublishRequestRow } from "../../src/core/db/publish-requests";
import { composeText, normaliseHashtags, type PostDraft } from "../../src/core/platforms/rules";
import type { Platform, PostContent } from "../../src/core/platforms/types";
import type { PublishInput } from "../tenant-object/contract";
import type { LoadedAccount } from "./account-tokens";
import type { AttemptTarget } from "./types";

const LINK = /https?:\/\/[^\s<>"']+/gi;

export function tagLinks(text: string, utm: Record<string, string> | null): string {
  if (!utm || Object.keys(utm).length === 0) return text;
  return text.replace(LINK, (link) => {
    // Keep trailing punctuation outside the link.
    const trailing = /[.,;:!?)\]]+$/.exec(link)?.[0] ?? "";
    const bare = trailing ? link.slice(0, -trailing.length) : link;
    try {
      const url = new URL(bare);
      for (const [key, value] of Object.entries(utm)) {
        const name = `utm_${key}`;
        if (!url.searchParams.has(name)) url.searchParams.set(name, value);
      }
      return url.toString() + trailing;
    } catch {
      return link;
    }
  });
}

export function composePost(draft: PostDraft, utm: Record<string, string> | null): PostContent {
  return { text: tagLinks(composeText(draft), utm), imageUrl: draft.imageUrl, videoUrl: draft.videoUrl };
}

/** The post's record as admitted ("scheduled"), before any outcome (outcome.ts changes it). */
export function requestRow(tenantId: string, input: PublishInput, platform: Platform, now: string): PublishRequestRow {
  return {
    ...draftRow({
      requestId: input.attemptId,
      accountId: input.accountId,
      platform,
      idempotencyKey: input.idempotencyKey,
      text: composePost(input.draft, input.utmParams).text,
      imageUrl: input.draft.imageUrl,
      videoUrl: input.draft.videoUrl,
      hashtags: normaliseHashtags(input.draft.hashtags),
      scheduledAt: input.scheduledAtMs === null ? null : new Date(input.scheduledAtMs).toISOString(),
      campaignId: input.campaignId,
      utmParams: input.utmParams,
      contentId: input.contentId,
      requestedBy: input.actor.userId,
      now,
    }),
    tenant_id: tenantId,
  };
}

/** What the platform call needs of an admitted attempt. */
export function attemptTarget(input: PublishInput, account: LoadedAccount): AttemptTarget {
  return {
    attemptId: input.attemptId,
    platform: account.platform,
    platformUserId: account.platformUserId,
    post: composePost(input.draft, input.utmParams),
  };
}
