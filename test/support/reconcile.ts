// Driving the reconciliation of unknown outcomes (objects/publishing/reconcile.ts) in
// tests: its timer made due and run, as its time comes, until the post is no longer
// "unknown" or the reconciliation stops asking; and what a client reads of the post.
import { expect } from "vitest";
import type { ConnectedAccount } from "./accounts";
import { sandbox, sandboxUserOf } from "./accounts";
import { tenantDb } from "./databases";
import { call, json } from "./http";
import { runTimerWhenDue } from "./object-hooks";
import { objectRows } from "./object-time";

export interface ReadPost {
  id: string;
  status: string;
  platform_post_id: string | null;
  platform_post_url: string | null;
  error: { type: string; message: string | null } | null;
  reconciliation: {
    state: "checking" | "resolved" | "gave_up";
    resolution: "found" | "duplicate_refusal" | "sent_again" | null;
    tries: number;
    max_tries: number;
    last_checked_at: string | null;
    next_check_at: string | null;
    note: string;
  } | null;
}

/** The post as a client reads it (GET /v1/posts/{id}). */
export async function readPost(key: string, id: string): Promise<ReadPost> {
  const res = await call(`/v1/posts/${id}`, { token: key });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<ReadPost>(res);
}

/** Whether the object still has a reconciliation check to make. */
async function checksDue(tenantId: string): Promise<boolean> {
  const rows = await objectRows<{ n: number }>(
    tenantId,
    "SELECT COUNT(*) AS n FROM reconciliations WHERE next_at_ms IS NOT NULL",
  );
  return (rows[0]?.n ?? 0) > 0;
}

/**
 * Runs the reconciliation's timer as each check comes due, until none is left (at most
 * `rounds` runs); the post as the client then reads it.
 */
export async function reconcileNow(tenantId: string, key: string, id: string, rounds = 8): Promise<ReadPost> {
  for (let round = 0; round < rounds && (await checksDue(tenantId)); round++) {
    await runTimerWhenDue(tenantId, "reconcile-outcomes");
  }
  return readPost(key, id);
}

/** The posts of the account at its sandbox platform whose text holds `text`. */
export async function platformPosts(account: ConnectedAccount, text: string) {
  const posts = await sandbox(account.platform).posts(sandboxUserOf(account));
  return posts.filter((post) => post.text.includes(text));
}

/** The id the platform gave the sandbox post, as the adapter records it. */
export function recordedIdOf(account: ConnectedAccount, sandboxPostId: string): string {
  switch (account.platform) {
    case "linkedin":
      return `urn:li:share:${sandboxPostId}`;
    case "facebook":
      return `${account.platformUserId}_${sandboxPostId}`;
    default:
      return sandboxPostId;
  }
}

/** The audit rows of a post with this action. */
export async function auditRows(tenantId: string, id: string, action: string) {
  const { results } = await (await tenantDb(tenantId))
    .prepare("SELECT action, success, metadata, error_message FROM audit_logs WHERE resource_id = ? AND action = ?")
    .bind(id, action)
    .all<{ action: string; success: number; metadata: string | null; error_message: string | null }>();
  return results;
}
