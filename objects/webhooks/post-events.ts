// Which webhook event a post's change is (docs/webhooks.md, "Events"), for the parts that
// make the changes (objects/publishing/record-outbox.ts, scheduler.ts, post-holds.ts), and
// the emitters other parts call: post.at_risk, the accounts' events.
import { type PostView, type PublishRequestRow, toPost } from "../../src/core/db/publish-requests";
import type { SocialAccountRow } from "../../src/core/db/social-accounts";
import type { Platform } from "../../src/core/platforms/types";
import type { AccountEventData, EventAccount, PostRisk, WebhookEventType } from "../../src/core/webhooks/events";
import type { WebhookEmitter } from "./webhook-outbox";

/**
 * The event of a finished publish's record: published, failed (refused by the platform,
 * or failed for good on the schedule) or unknown (the outcome was not learned: a
 * timeout). A post still processing (an Instagram video, D1 status "unknown" with error
 * type "processing") has none yet: its completion is its event.
 */
export function recordEventType(record: Pick<PublishRequestRow, "status" | "error_type">): WebhookEventType | null {
  if (record.status === "published") return "post.published";
  if (record.status === "failed") return "post.failed";
  if (record.status === "unknown" && record.error_type !== "processing") return "post.unknown";
  return null;
}

/** Emits the event of a post's record, if its state is one (recordEventType). */
export function emitRecordEvent(webhooks: WebhookEmitter, record: PublishRequestRow): void {
  const type = recordEventType(record);
  if (type) webhooks.emitPost(type, toPost(record));
}

/**
 * post.at_risk: a post that may not go out as planned (a scheduled post whose account's
 * token is about to lapse, whose window is full near its time, whose platform is
 * failing …). Call it in the same synchronous step as whatever records the risk, as
 * every other event is emitted, so the event exists exactly when the finding does.
 * `risk.reason` is a short stable code receivers may switch on; `risk.detail` a sentence.
 * The event carries the post and its next sequence number like every post event.
 */
export function emitPostAtRisk(webhooks: WebhookEmitter, post: PostView, risk: PostRisk): void {
  webhooks.emitPost("post.at_risk", post, { risk });
}

/** An account as its events carry it, from what is known of it. */
export function eventAccount(
  account: { accountId: string; platform: Platform; platformUserId?: string | null },
  row?: Pick<SocialAccountRow, "account_name" | "account_handle" | "platform_user_id"> | null,
): EventAccount {
  return {
    id: account.accountId,
    platform: account.platform,
    platform_user_id: row?.platform_user_id ?? account.platformUserId ?? null,
    account_name: row?.account_name ?? null,
    account_handle: row?.account_handle ?? null,
  };
}

/** account.connected, account.revoked or account.refresh_failed. */
export function emitAccountEvent(
  webhooks: WebhookEmitter,
  type: "account.connected" | "account.revoked" | "account.refresh_failed",
  account: EventAccount,
  extra: Omit<AccountEventData, "account"> = {},
): void {
  webhooks.emit(type, { account, ...extra } satisfies AccountEventData);
}
