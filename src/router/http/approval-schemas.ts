// Schemas of the approval routes (src/router/routes/post-approvals.ts, docs/approvals.md):
// a post's approval as the API shows it, the bodies of approve, reject and the edit of a
// waiting post, and a post's revisions. Times are checked against the route's clock in
// the route (as a release's are), not here.
import { z } from "@hono/zod-openapi";
import { APPROVAL_REASONS } from "../../core/auth/approvals";
import { POST_REVISION_TYPES, VERSION_FIELDS } from "../../core/db/post-revisions";
import { pageSchema } from "./identity-schemas";
import { plainText } from "./text-field";

const timestamp = z.string().openapi({ format: "date-time" });

/** Longest rejection reason or edit note: a few sentences for the author. */
export const MAX_REASON_LENGTH = 1000;

export const ApprovalSchema = z
  .object({
    state: z.enum(["pending", "approved", "rejected", "cancelled"]),
    reason: z.enum(APPROVAL_REASONS).openapi({
      description:
        "Why it waited: agent (drafted with an agent key or through the MCP server), key (drafted with a key whose posts wait: requires_approval), editor (a member, under approvals.required_for = editors_and_agents)",
    }),
    drafted_with_key: z
      .string()
      .nullable()
      .openapi({ description: "The API key it was drafted with; null: a session" }),
    decided_by: z.string().nullable().openapi({ description: "The approver who approved or rejected it" }),
    decided_at: timestamp.nullable(),
    rejection_reason: z.string().nullable(),
  })
  .nullable()
  .openapi("PostApproval", {
    description:
      "For a post that waited for an approver (docs/approvals.md): where its approval stands. Null for a post that never waited",
  });

/** scheduled_at of an approval or an edit: a time, or "best". Checked against the route's clock there. */
const ScheduledAt = z.union([z.literal("best"), z.iso.datetime({ offset: true })]).openapi({
  description:
    'When it goes out: a time at least 5 seconds ahead and within a year, or "best": the post configuration\'s next best posting time',
});

export const ApproveBody = z
  .object({
    scheduled_at: ScheduledAt.optional().openapi({
      description:
        'A new time for it: at least 5 seconds ahead and within a year, or "best". Absent: its own time (at once when it had none, or when its time went by while it waited)',
    }),
  })
  .strict()
  .openapi("ApprovePost");

export const RejectBody = z
  .object({
    reason: plainText(1, MAX_REASON_LENGTH).openapi({
      description: "Why it may not go out, for its author (1 to 1000 characters)",
    }),
  })
  .strict()
  .openapi("RejectPost");

const mediaUrl = z.url({ protocol: /^https$/ }).max(2048);

export const EditPendingBody = z
  .object({
    text: z.string().min(1).max(63_206).optional(),
    hashtags: z.array(z.string().min(1).max(101)).max(30).optional(),
    image_url: mediaUrl.nullable().optional().openapi({ description: "A public https URL; null removes it" }),
    video_url: mediaUrl.nullable().optional().openapi({ description: "A public https URL; null removes it" }),
    scheduled_at: ScheduledAt.nullable()
      .optional()
      .openapi({ description: 'A time, "best", or null: at once when approved' }),
    classification: z.enum(["defect", "preference"]).default("preference").openapi({
      description:
        "As feedback on generated content is classified: defect (the draft was wrong) or preference (a matter of taste, the default)",
    }),
    note: plainText(1, MAX_REASON_LENGTH).optional().openapi({ description: "Why it was changed" }),
  })
  .strict()
  .refine(
    (body) => VERSION_FIELDS.some((field) => field !== "account_id" && body[field] !== undefined),
    "give at least one of text, hashtags, image_url, video_url, scheduled_at",
  )
  .openapi("EditPendingPost");

export const PostRevisionSchema = z
  .object({
    id: z.string(),
    post_id: z.string(),
    type: z.enum(POST_REVISION_TYPES).openapi({
      description: "drafted (the first version), manual_edit (an edit), approved or rejected (the decision)",
    }),
    edited_by: z.string().nullable().openapi({ description: "The member who made the version or the decision" }),
    classification: z.enum(["defect", "preference"]).nullable(),
    note: z.string().nullable().openapi({ description: "An edit's note, or the rejection's reason" }),
    changed: z.array(z.string()).openapi({ description: "The fields this version changed from the one before" }),
    version: z
      .object({
        account_id: z.string(),
        text: z.string(),
        hashtags: z.array(z.string()),
        image_url: z.string().nullable(),
        video_url: z.string().nullable(),
        scheduled_at: z.string().nullable(),
      })
      .openapi({ description: "The post as this version has it, before hashtags and UTM parameters are applied" }),
    created_at: timestamp,
  })
  .openapi("PostRevision");

export const PostRevisionPageSchema = pageSchema(PostRevisionSchema, "PostRevisionPage");
