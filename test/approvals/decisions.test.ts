// Deciding on a post that waits (docs/approvals.md): who may (owners and admins, never an
// agent, never on their own post), an approval going the normal way (published, or
// scheduled and fired by the alarm; counted in the plan's month then; its author kept,
// its approver audited), a refusal of that way leaving it waiting, a rejection with its
// reason, a withdrawal, and a stopped subscription refusing the approval.
import { describe, expect, it } from "vitest";
import { call, json } from "../support/http";
import { advanceObjectClock, makeDue, objectNow, recordsInD1, runTimersNow } from "../support/objects";
import { ADMIN, createKey } from "../support/tenants";
import {
  approvalTenant,
  approve,
  auditOf,
  draft,
  expectProblem,
  member,
  type Post,
  readPost,
  reject,
  requireFor,
  revisions,
  sentTexts,
  waitingPost,
} from "./support";

/** The plan's posts this month as the tenant's usage shows them. */
async function postsUsed(ownerKey: string): Promise<number> {
  const res = await call("/v1/tenant/usage", { token: ownerKey });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await json<{ quotas: { posts_per_month: { used: number } } }>(res)).quotas.posts_per_month.used;
}

describe("who decides on a post that waits", () => {
  it("never the agent that drafted it, nor any agent key, even one holding approve:posts", async () => {
    const t = await approvalTenant();
    const approvingAgent = await createKey(t.ownerSession, {
      scopes: ["publish", "read:posts", "approve:posts"],
      kind: "agent",
    });
    const own = await waitingPost(t, approvingAgent.key);
    const other = await waitingPost(t);
    for (const [label, id] of [
      ["its own", own.id],
      ["another agent's", other.id],
    ] as const) {
      const problem = await expectProblem(
        await approve(approvingAgent.key, id),
        403,
        "/problems/agent-not-approver",
        label,
      );
      expect(problem.detail, label).toContain("a person decides");
      await expectProblem(
        await reject(approvingAgent.key, id, "Self-service"),
        403,
        "/problems/agent-not-approver",
        label,
      );
    }
    expect((await readPost(t.tenant.ownerKey, own.id)).status).toBe("pending_approval");
    expect(await sentTexts(t)).toEqual([]);
  });

  it("never the key that drafted it; its owner, signed in, does", async () => {
    const t = await approvalTenant({ approvals: { required_for: "none" } });
    const admin = await member(t, "admin", { requires_approval: true });
    const post = await waitingPost(t, admin.key);
    expect(post.approval?.reason).toBe("key");
    const problem = await expectProblem(await approve(admin.key, post.id), 403, "/problems/own-post");
    expect(problem.detail).toContain("The API key that drafted this post cannot decide on it");
    expect((await readPost(t.tenant.ownerKey, post.id)).status).toBe("pending_approval");
    const approved = await approve(admin.session, post.id);
    expect(approved.status, await approved.clone().text()).toBe(201);
    expect(await sentTexts(t)).toEqual([post.text]);
  });

  it("never the member who drafted it, whatever credential they use, even once an admin", async () => {
    const t = await approvalTenant({ approvals: { required_for: "editors_and_agents" } });
    const editor = await member(t, "member");
    const post = await waitingPost(t, editor.session);
    expect(post.approval?.reason).toBe("editor");
    // A member may not approve at all.
    await expectProblem(await approve(editor.session, post.id), 403, "/problems/forbidden");
    // Promoted, they still may not approve their own post, with a session or a key.
    const promoted = await call(`/v1/users/${editor.userId}`, {
      method: "PATCH",
      token: t.tenant.ownerKey,
      body: { role: "admin" },
    });
    expect(promoted.status, await promoted.clone().text()).toBe(200);
    const theirKey = await createKey(editor.session, { scopes: ["publish", "read:posts", "approve:posts"] });
    for (const token of [editor.session, theirKey.key]) {
      const problem = await expectProblem(await approve(token, post.id), 403, "/problems/own-post");
      expect(problem.detail).toBe("You drafted this post: another approver decides on it");
    }
    await expectProblem(await reject(editor.session, post.id, "Never mind"), 403, "/problems/own-post");
    expect(await sentTexts(t)).toEqual([]);
    // Another approver does.
    expect((await approve(t.ownerSession, post.id)).status).toBe(201);
  });

  it("refuses what is not waiting: published, rejected, or a post that never waited", async () => {
    const t = await approvalTenant();
    const published = await draft(t, t.tenant.ownerKey);
    expect(published.status).toBe(201);
    const problem = await expectProblem(
      await approve(t.ownerSession, (await json<Post>(published)).id),
      409,
      "/problems/conflict",
    );
    expect(problem.detail).toContain("Only a post waiting for approval can be approved; this one is published");
  });
});

describe("an approval", () => {
  it("publishes the post the normal way: its author kept, its approver audited, counted in the month now", async () => {
    const t = await approvalTenant();
    const writer = await member(t, "member");
    const writersAgent = await createKey(writer.session, { scopes: ["publish", "read:posts"], kind: "agent" });
    const usedBefore = await postsUsed(t.tenant.ownerKey);
    const post = await waitingPost(t, writersAgent.key, { hashtags: ["Rebar"] });
    expect(await postsUsed(t.tenant.ownerKey), "a draft takes no place in the month").toBe(usedBefore);

    const res = await approve(t.ownerSession, post.id);
    expect(res.status, await res.clone().text()).toBe(201);
    expect(res.headers.get("Location")).toBe(`/v1/posts/${post.id}`);
    const answered = await json<Post>(res);
    expect(answered).toMatchObject({ id: post.id, status: "published", requested_by: writer.userId });
    expect(answered.approval).toMatchObject({ state: "approved", reason: "agent", decided_by: t.tenant.ownerId });
    expect(await sentTexts(t)).toEqual([post.text]);
    expect(await postsUsed(t.tenant.ownerKey), "counted once, at approval").toBe(usedBefore + 1);

    const read = await readPost(t.tenant.ownerKey, post.id);
    expect(read).toMatchObject({ status: "published", requested_by: writer.userId });
    expect(read.platform_post_id).not.toBeNull();
    expect(read.approval).toMatchObject({ state: "approved", decided_by: t.tenant.ownerId });
    expect(read.approval?.decided_at).not.toBeNull();
    // The approval is the approver's in the trail; the draft and the publish the author's.
    expect((await auditOf(t.tenant.tenantId, post.id, "post.approve")).map((a) => [a.user_id, a.success])).toEqual([
      [t.tenant.ownerId, 1],
    ]);
    expect((await auditOf(t.tenant.tenantId, post.id, "post.draft")).map((a) => a.user_id)).toEqual([writer.userId]);
    expect((await revisions(t.tenant.ownerKey, post.id)).map((r) => [r.type, r.edited_by])).toEqual([
      ["drafted", writer.userId],
      ["approved", t.tenant.ownerId],
    ]);
    // Approved, it waits no more: a second approval is refused and nothing more is sent.
    await expectProblem(await approve(t.ownerSession, post.id), 409, "/problems/conflict");
    expect(await sentTexts(t)).toHaveLength(1);
  });

  it("schedules it at the approver's time, and the alarm publishes it then", async () => {
    const t = await approvalTenant();
    const post = await waitingPost(t);
    const at = new Date(Date.now() + 2 * 3_600_000).toISOString();
    const res = await approve(t.ownerSession, post.id, { scheduled_at: at });
    expect(res.status, await res.clone().text()).toBe(202);
    expect(await json<Post>(res)).toMatchObject({ status: "scheduled", scheduled_at: at });
    expect(await sentTexts(t)).toEqual([]);
    expect((await revisions(t.tenant.ownerKey, post.id)).at(-1)).toMatchObject({
      type: "approved",
      changed: ["scheduled_at"],
      version: { scheduled_at: at },
    });
    await makeDue(t.tenant.tenantId, post.id);
    await runTimersNow(t.tenant.tenantId, ["publish-due"]);
    await recordsInD1(t.tenant.tenantId);
    expect(await readPost(t.tenant.ownerKey, post.id)).toMatchObject({ status: "published" });
    expect(await sentTexts(t)).toEqual([post.text]);
  });

  it("publishes at once a post whose own time went by while it waited", async () => {
    const t = await approvalTenant();
    const post = await waitingPost(t, t.agentKey, { scheduled_at: new Date(Date.now() + 600_000).toISOString() });
    await advanceObjectClock(t.tenant.tenantId, (await objectNow(t.tenant.tenantId)) + 3_600_000);
    const res = await approve(t.ownerSession, post.id);
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await sentTexts(t)).toEqual([post.text]);
  });

  it("refused by the account's window answers that refusal, and the post keeps waiting until it fits", async () => {
    const t = await approvalTenant({ rate_limits: { linkedin: { limit: 1, window_seconds: 3600 } } });
    const post = await waitingPost(t);
    expect((await draft(t, t.tenant.ownerKey, { text: "Took the slot" })).status).toBe(201);
    const usedBefore = await postsUsed(t.tenant.ownerKey);
    const full = await expectProblem(await approve(t.ownerSession, post.id), 429, "/problems/rate-limited");
    expect(full.detail).toContain("window is full");
    const waiting = await readPost(t.tenant.ownerKey, post.id);
    expect(waiting.status).toBe("pending_approval");
    expect(waiting.approval).toMatchObject({ state: "pending", decided_by: null });
    expect(await postsUsed(t.tenant.ownerKey), "nothing counted").toBe(usedBefore);
    expect(await sentTexts(t)).toEqual(["Took the slot"]);
    // An hour on, the window has room: the same approval goes through.
    await advanceObjectClock(t.tenant.tenantId, (await objectNow(t.tenant.tenantId)) + 3_601_000);
    const res = await approve(t.ownerSession, post.id);
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await sentTexts(t)).toEqual(["Took the slot", post.text]);
  });

  it("refused by the plan's posts a month, or by the post's configuration, leaves it waiting", async () => {
    const t = await approvalTenant({ max_posts_per_month: 1 });
    const post = await waitingPost(t);
    expect((await draft(t, t.tenant.ownerKey, { text: "The month's one" })).status).toBe(201);
    await expectProblem(await approve(t.ownerSession, post.id), 429, "/problems/quota-posts-per-month");
    expect((await readPost(t.tenant.ownerKey, post.id)).status).toBe("pending_approval");

    const other = await approvalTenant();
    const onLinkedIn = await waitingPost(other);
    // A configuration made the default after the draft refuses LinkedIn now.
    const configured = await call("/v1/post-configurations", {
      token: other.tenant.ownerKey,
      body: { name: "X only", platforms: ["twitter"] },
    });
    expect(configured.status, await configured.clone().text()).toBe(201);
    const refused = await expectProblem(
      await approve(other.ownerSession, onLinkedIn.id),
      422,
      "/problems/platform-not-allowed",
    );
    expect(refused.detail).toContain("not linkedin");
    expect((await readPost(other.tenant.ownerKey, onLinkedIn.id)).status).toBe("pending_approval");
    expect([...(await sentTexts(t)), ...(await sentTexts(other))]).toEqual(["The month's one"]);
  });

  it("is refused with 402 while the subscription is canceled, and the post keeps waiting", async () => {
    const t = await approvalTenant();
    const post = await waitingPost(t);
    const canceled = await call(`/v1/admin/tenants/${t.tenant.tenantId}`, {
      method: "PATCH",
      token: ADMIN,
      body: { subscription_status: "canceled" },
    });
    expect(canceled.status, await canceled.clone().text()).toBe(200);
    await expectProblem(await approve(t.ownerSession, post.id), 402, "/problems/payment-required");
    expect((await readPost(t.tenant.ownerKey, post.id)).status).toBe("pending_approval");
    expect(await sentTexts(t)).toEqual([]);
  });
});

describe("a rejection", () => {
  it("ends the wait with its reason: never sent, not approvable, in the revisions and the trail", async () => {
    const t = await approvalTenant();
    const post = await waitingPost(t);
    const reason = "Wrong price: the mesh is £45 a sheet, not £40.";
    const res = await reject(t.ownerSession, post.id, reason);
    expect(res.status, await res.clone().text()).toBe(200);
    const rejected = await json<Post>(res);
    expect(rejected.status).toBe("rejected");
    expect(rejected.approval).toMatchObject({
      state: "rejected",
      reason: "agent",
      decided_by: t.tenant.ownerId,
      rejection_reason: reason,
    });
    expect(await readPost(t.tenant.ownerKey, post.id)).toEqual(rejected);
    await expectProblem(await approve(t.ownerSession, post.id), 409, "/problems/conflict");
    await expectProblem(await reject(t.ownerSession, post.id, "Again"), 409, "/problems/conflict");
    expect(await sentTexts(t)).toEqual([]);
    expect((await revisions(t.tenant.ownerKey, post.id)).at(-1)).toMatchObject({
      type: "rejected",
      edited_by: t.tenant.ownerId,
      note: reason,
    });
    const [audit] = await auditOf(t.tenant.tenantId, post.id, "post.reject");
    expect(audit?.user_id).toBe(t.tenant.ownerId);
    // Listed as rejected, no longer in the queue.
    const queue = await json<{ data: Post[] }>(
      await call("/v1/posts?status=pending_approval", { token: t.tenant.ownerKey }),
    );
    expect(queue.data.map((p) => p.id)).not.toContain(post.id);
    const list = await json<{ data: Post[] }>(await call("/v1/posts?status=rejected", { token: t.tenant.ownerKey }));
    expect(list.data.map((p) => p.id)).toEqual([post.id]);
  });

  it("needs a reason of 1 to 1000 characters; a refused one changes nothing", async () => {
    const t = await approvalTenant();
    const post = await waitingPost(t);
    for (const body of [{}, { reason: "" }, { reason: "   " }, { reason: "x".repeat(1001) }]) {
      const res = await call(`/v1/posts/${post.id}/reject`, { token: t.ownerSession, body });
      const problem = await expectProblem(res, 400, "/problems/validation", JSON.stringify(body).slice(0, 40));
      expect(problem.errors?.map((e) => e.field)).toEqual(["reason"]);
    }
    expect((await readPost(t.tenant.ownerKey, post.id)).status).toBe("pending_approval");
  });
});

describe("a withdrawal", () => {
  it("cancels a waiting post (DELETE /v1/posts/{id}): never sent, no longer approvable", async () => {
    const t = await approvalTenant();
    await requireFor(t, "agents");
    const post = await waitingPost(t);
    const res = await call(`/v1/posts/${post.id}`, { method: "DELETE", token: t.agentKey });
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await json<Post>(res)).approval).toMatchObject({ state: "cancelled", decided_by: null });
    await expectProblem(await approve(t.ownerSession, post.id), 409, "/problems/conflict");
    expect(await sentTexts(t)).toEqual([]);
  });
});
