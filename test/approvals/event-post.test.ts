// A post's webhook event names no member (src/core/webhooks/events.ts): not its author, and
// not who approved or rejected it, since an event's body is kept as sent and no person's
// erasure could rewrite it. The API's own view keeps both (docs/approvals.md).
import { describe, expect, it } from "vitest";
import { toPost } from "../../src/core/db/publish-requests";
import { eventPost } from "../../src/core/webhooks/events";

const row = {
  request_id: "post_01JAPPROVED00000000000000",
  tenant_id: "ten_1",
  account_id: "acc_1",
  platform: "linkedin" as const,
  status: "rejected" as const,
  idempotency_key: null,
  text: "Mesh back in stock",
  image_url: null,
  video_url: null,
  hashtags: null,
  scheduled_at: null,
  campaign_id: null,
  utm_params: null,
  content_id: null,
  requested_by: "usr_author",
  platform_post_id: null,
  platform_post_url: null,
  published_at: null,
  error_type: null,
  error_message: null,
  created_at: "2030-01-01T08:00:00.000Z",
  updated_at: "2030-01-01T09:00:00.000Z",
  held_reason: null,
  approval_reason: "agent" as const,
  drafted_by_key: "key_1",
  decided_by: "usr_approver",
  decided_at: "2030-01-01T09:00:00.000Z",
  rejection_reason: "Wrong price",
};

describe("a waiting post's webhook event", () => {
  it("carries its approval without the member who decided, while the API's view names them", () => {
    const view = toPost(row);
    expect(view.approval).toMatchObject({ state: "rejected", decided_by: "usr_approver" });
    const event = eventPost(view);
    expect(event.approval).toEqual({ ...view.approval, decided_by: null });
    expect(JSON.stringify(event)).not.toContain("usr_");
  });

  it("is unchanged for a post that never waited (approval null)", () => {
    const view = toPost({
      ...row,
      status: "cancelled",
      approval_reason: null,
      decided_by: null,
      rejection_reason: null,
    });
    expect(eventPost(view).approval).toBeNull();
  });
});
