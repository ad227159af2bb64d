// Posts that went through approval, and scheduled posts at risk, in bench:scale's dataset
// (docs/approvals.md, docs/publishing.md's pre-flight checks), so the approval queue, a
// post's revisions and the at-risk list meet a tenant of its size. Ratios per tenant:
//
//   approved, then published   1 in 20 published posts (drafted with the tenant's first
//                              key, approved by the owner the moment it went out)
//   waiting (pending_approval) 0.5% of posts, drafted in the last 7 days; half edited once
//   rejected                   0.1% of posts, over the year, rejected a day after drafting
//   revision_events of posts   a version per step: drafted and approved (approved posts),
//                              drafted and the edit (waiting), drafted and rejected
//   at risk                    1 in 10 scheduled posts (./generate-rest.ts's upcoming)
//
// The waiting and rejected posts are written by the Worker's own statements
// (insertPendingPost, rejectPending) and the risks by the pre-flight check's (setAtRisk);
// the approvals of published posts and the revisions are bulk json_each statements.

import { rejectPending } from "../../../src/core/db/approvals";
import { insertPendingPost, pendingRow } from "../../../src/core/db/pending-posts";
import { setAtRisk } from "../../../src/core/db/post-checks";
import type { PostVersion } from "../../../src/core/db/post-revisions";
import type { PublishRequestRow } from "../../../src/core/db/publish-requests";
import type { TenantScope } from "../../../src/core/db/tenant-scope";
import { id, sentence, type TenantShape } from "./generate";
import { bulkInsert } from "./generate-rest";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

function versionOf(row: PublishRequestRow): PostVersion {
  return {
    account_id: row.account_id,
    text: row.text,
    hashtags: row.hashtags ? (JSON.parse(row.hashtags) as string[]) : [],
    image_url: row.image_url,
    video_url: row.video_url,
    scheduled_at: row.scheduled_at,
  };
}

type WaitingRow = ReturnType<typeof pendingRow>;

interface Revision extends Record<string, unknown> {
  event_id: string;
  request_id: string;
  post_id: string;
  tenant_id: string;
  edited_by: string | null;
  revision_type: "drafted" | "manual_edit" | "approved" | "rejected";
  classification: "defect" | "preference" | null;
  user_notes: string | null;
  snapshot: string;
  changed: string;
  created_at: string;
}

function revision(
  t: TenantShape,
  row: PublishRequestRow,
  step: { type: Revision["revision_type"]; atMs: number; by: string | null; changed?: string[]; note?: string },
  rnd: () => number,
  version: PostVersion = versionOf(row),
): Revision {
  return {
    event_id: id("rev", step.atMs, rnd),
    request_id: row.request_id,
    post_id: row.request_id,
    tenant_id: t.tenantId,
    edited_by: step.by,
    revision_type: step.type,
    classification: step.type === "manual_edit" ? "preference" : null,
    user_notes: step.note ?? null,
    snapshot: JSON.stringify(version),
    changed: JSON.stringify(step.changed ?? []),
    created_at: new Date(step.atMs).toISOString(),
  };
}

/** A post drafted `atMs` that waits, drafted with `key` by the tenant's second member. */
function waitingRow(t: TenantShape, atMs: number, key: string | null, rnd: () => number): WaitingRow {
  const account = t.accounts[Math.floor(rnd() * t.accounts.length)] as TenantShape["accounts"][number];
  const requestId = id("post", atMs, rnd);
  const at = new Date(atMs).toISOString();
  const scheduled = rnd() < 0.5 ? new Date(atMs + (1 + Math.floor(rnd() * 10)) * DAY_MS).toISOString() : null;
  return pendingRow(
    {
      request_id: requestId,
      tenant_id: "",
      account_id: account.id,
      platform: account.platform,
      status: "pending_approval",
      idempotency_key: null,
      text: sentence(rnd, 200),
      image_url: null,
      video_url: null,
      hashtags: '["steel"]',
      scheduled_at: scheduled,
      campaign_id: null,
      utm_params: null,
      content_id: null,
      requested_by: t.users[Math.min(1, t.users.length - 1)] as string,
      platform_post_id: null,
      platform_post_url: null,
      published_at: null,
      error_type: null,
      error_message: null,
      created_at: at,
      updated_at: at,
      held_reason: null,
    },
    "agent",
    key,
  );
}

/**
 * The tenant's approvals (see the top of this file): statements on `scope` (the shard,
 * unfenced), after its posts and upcoming posts are written. Returns the statements
 * and a waiting post with its two versions, for the measurements.
 */
export function approvalsAndRisks(
  scope: TenantScope,
  t: TenantShape,
  posts: { published: readonly PublishRequestRow[]; upcoming: readonly PublishRequestRow[] },
  key: string | null,
  nowMs: number,
  rnd: () => number,
): { statements: D1PreparedStatement[]; editedPostId: string | null } {
  const owner = t.users[0] as string;
  const revisions: Revision[] = [];
  const statements: D1PreparedStatement[] = [];

  // Published posts that an approver let through: their approval columns and two versions.
  const approved = posts.published.filter((_, i) => i % 20 === 7);
  const decisions = approved.map((row) => {
    const draftedMs = Date.parse(row.created_at) - 2 * HOUR_MS;
    const decidedMs = Date.parse(row.published_at as string);
    revisions.push(revision(t, row, { type: "drafted", atMs: draftedMs, by: row.requested_by }, rnd));
    revisions.push(revision(t, row, { type: "approved", atMs: decidedMs, by: owner }, rnd));
    return { id: row.request_id, decided_at: new Date(decidedMs).toISOString() };
  });
  if (decisions.length > 0) {
    statements.push(
      scope.db
        .prepare(
          `UPDATE publish_requests SET approval_reason = 'agent', drafted_by_key = ?2, decided_by = ?3,
             decided_at = json_extract(j.value, '$.decided_at')
           FROM json_each(?1) AS j
           WHERE publish_requests.tenant_id = ?4 AND publish_requests.request_id = json_extract(j.value, '$.id')`,
        )
        .bind(JSON.stringify(decisions), key, owner, t.tenantId),
    );
  }

  // Posts waiting now, half of them edited once since their draft.
  let editedPostId: string | null = null;
  const waiting = Math.round(t.posts * 0.005);
  for (let i = 0; i < waiting; i++) {
    const draftedMs = nowMs - Math.floor(rnd() * 7 * DAY_MS) - HOUR_MS;
    const drafted = waitingRow(t, draftedMs, key, rnd);
    revisions.push(revision(t, drafted, { type: "drafted", atMs: draftedMs, by: drafted.requested_by }, rnd));
    let row = drafted;
    if (i % 2 === 0) {
      const editedMs = draftedMs + HOUR_MS / 2;
      row = { ...drafted, text: `${drafted.text} (edited)`, updated_at: new Date(editedMs).toISOString() };
      revisions.push(
        revision(t, row, { type: "manual_edit", atMs: editedMs, by: owner, changed: ["text"], note: "tone" }, rnd),
      );
      editedPostId ??= row.request_id;
    }
    statements.push(insertPendingPost(scope, row));
  }

  // Posts rejected over the year, a day after their draft.
  const rejected = Math.round(t.posts * 0.001);
  for (let i = 0; i < rejected; i++) {
    const draftedMs = nowMs - Math.floor(((i + 0.5) / rejected) * 360 * DAY_MS) - 2 * DAY_MS;
    const row = waitingRow(t, draftedMs, key, rnd);
    const decidedAt = new Date(draftedMs + DAY_MS).toISOString();
    revisions.push(revision(t, row, { type: "drafted", atMs: draftedMs, by: row.requested_by }, rnd));
    revisions.push(revision(t, row, { type: "rejected", atMs: draftedMs + DAY_MS, by: owner, note: "off brand" }, rnd));
    statements.push(
      insertPendingPost(scope, row),
      rejectPending(scope, row.request_id, { approverId: owner, reason: "off brand" }, decidedAt),
    );
  }

  // Scheduled posts the pre-flight check found at risk: their account's token expired.
  const scheduled = posts.upcoming.filter((row) => row.status === "scheduled");
  for (const row of scheduled.filter((_, i) => i % 10 === 4)) {
    const at = new Date(nowMs - HOUR_MS).toISOString();
    statements.push(
      setAtRisk(
        scope,
        row.request_id,
        { code: "token_expired", reason: "the account's token has expired", detected_at: at, checked_at: at },
        at,
      ),
    );
  }

  statements.push(...bulkInsert(scope.db, "revision_events", revisions));
  return { statements, editedPostId };
}
