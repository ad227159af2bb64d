// Which posts wait for an approver (docs/approvals.md): an agent key's, a key's whose
// posts wait (requires_approval), a member's under editors_and_agents; stored as
// pending_approval, neither scheduled nor sent nor counted in the plan's month, and listed
// as the queue. Another tenant's waiting post is not there (404).
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { call, json } from "../support/http";
import { tenantObjectOf } from "../support/objects";
import { createKey } from "../support/tenants";
import {
  approvalTenant,
  approve,
  auditOf,
  draft,
  edit,
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

/** The object's schedule and attempts of the post, and its count in the plan's month. */
async function objectTraces(tenantId: string, postId: string) {
  return runInDurableObject(tenantObjectOf(tenantId), (_instance: TenantObject, state) => {
    const count = (sql: string) => state.storage.sql.exec<{ n: number }>(sql, postId).one().n;
    return {
      scheduled: count("SELECT COUNT(*) AS n FROM scheduled_posts WHERE request_id = ?"),
      attempts: count("SELECT COUNT(*) AS n FROM attempts WHERE attempt_id = ?"),
      counted: count("SELECT COUNT(*) AS n FROM counted_posts WHERE attempt_id = ?"),
      waiting: count("SELECT COUNT(*) AS n FROM pending_approvals WHERE request_id = ?"),
    };
  });
}

describe("a post that waits for approval", () => {
  it("is an agent key's under the default setting: stored pending_approval, not scheduled, not sent, not counted", async () => {
    const t = await approvalTenant();
    const later = new Date(Date.now() + 3_600_000).toISOString();
    for (const extra of [{}, { scheduled_at: later }]) {
      const post = await waitingPost(t, t.agentKey, extra);
      expect(post.approval).toEqual({
        state: "pending",
        reason: "agent",
        drafted_with_key: t.agentKeyId,
        decided_by: null,
        decided_at: null,
        rejection_reason: null,
      });
      expect(post.requested_by, "the author is the key's member").toBe(t.tenant.ownerId);
      expect(await objectTraces(t.tenant.tenantId, post.id)).toEqual({
        scheduled: 0,
        attempts: 0,
        counted: 0,
        waiting: 1,
      });
      const read = await readPost(t.tenant.ownerKey, post.id);
      expect(read.status).toBe("pending_approval");
      expect(read.scheduled_at).toBe(post.scheduled_at);
    }
    expect(await sentTexts(t), "nothing reached the platform").toEqual([]);
    // The draft is audited under its author, naming the key and why it waits.
    const [audit] = await auditOf(t.tenant.tenantId, (await waitingPost(t)).id, "post.draft");
    expect(audit?.user_id).toBe(t.tenant.ownerId);
    expect(JSON.parse(audit?.metadata ?? "{}")).toMatchObject({ approval_reason: "agent", key_id: t.agentKeyId });
  });

  it("follows approvals.required_for: none, agents, editors_and_agents", async () => {
    const t = await approvalTenant();
    const editor = await member(t, "member");
    const admin = await member(t, "admin");
    const cases: [string, string, string, string | null][] = [
      // setting, who, their credential, why the post waits (null: it is published)
      ["none", "agent", t.agentKey, null],
      ["none", "member", editor.key, null],
      ["agents", "agent", t.agentKey, "agent"],
      ["agents", "member", editor.key, null],
      ["agents", "member's session", editor.session, null],
      ["editors_and_agents", "agent", t.agentKey, "agent"],
      ["editors_and_agents", "member", editor.key, "editor"],
      ["editors_and_agents", "member's session", editor.session, "editor"],
      ["editors_and_agents", "admin", admin.key, null],
      ["editors_and_agents", "owner", t.tenant.ownerKey, null],
    ];
    for (const [setting, who, token, reason] of cases) {
      await requireFor(t, setting);
      const res = await draft(t, token);
      const label = `${setting}, ${who}`;
      expect(res.status, `${label}: ${await res.clone().text()}`).toBe(reason ? 202 : 201);
      const post = await json<Post>(res);
      expect(post.status, label).toBe(reason ? "pending_approval" : "published");
      expect(post.approval?.reason ?? null, label).toBe(reason);
    }
    // Without the setting (the default) an agent's post waits; a setting that is not one is a 400.
    const bad = await call("/v1/tenant", {
      method: "PATCH",
      token: t.ownerSession,
      body: { settings: { approvals: { required_for: "everyone" } } },
    });
    const problem = await expectProblem(bad, 400, "/problems/validation");
    expect(problem.errors?.map((e) => e.field)).toContain("settings.approvals.required_for");
  });

  it("is a key's with requires_approval whatever the setting, and a key made with it inherits it", async () => {
    const t = await approvalTenant({ approvals: { required_for: "none" } });
    const careful = await createKey(t.ownerSession, {
      scopes: ["publish", "read:posts", "manage:api_keys"],
      requires_approval: true,
    });
    const post = await waitingPost(t, careful.key);
    expect(post.approval?.reason).toBe("key");
    // A key made with it waits too, and may not be made not to.
    const child = await createKey(careful.key, { scopes: ["publish", "read:posts"] });
    expect(child).toMatchObject({ requires_approval: true, kind: "standard" });
    expect((await waitingPost(t, child.key)).approval?.reason).toBe("key");
    const escaping = await call("/v1/api-keys", {
      token: careful.key,
      body: { scopes: ["publish"], requires_approval: false },
    });
    const refused = await expectProblem(escaping, 403, "/problems/forbidden");
    expect(refused.errors?.map((e) => e.field)).toEqual(["requires_approval"]);
    // So does an agent key's: a key made with it is an agent key.
    const maker = await createKey(t.ownerSession, { scopes: ["publish", "manage:api_keys"], kind: "agent" });
    const agentChild = await call("/v1/api-keys", {
      token: maker.key,
      body: { scopes: ["publish"], kind: "standard" },
    });
    expect((await expectProblem(agentChild, 403, "/problems/forbidden")).errors?.map((e) => e.field)).toEqual(["kind"]);
    // A plain key of the owner's publishes at once.
    expect((await draft(t, t.tenant.ownerKey)).status).toBe(201);
  });

  it("is drafted through the MCP server (X-Dify-Drafted-Via: mcp) by any credential, as an agent's", async () => {
    const t = await approvalTenant();
    const res = await call("/v1/posts", {
      token: t.tenant.ownerKey,
      headers: { "X-Dify-Drafted-Via": "mcp" },
      body: { account_id: t.account.id, text: "Drafted by an assistant" },
    });
    expect(res.status, await res.clone().text()).toBe(202);
    expect((await json<Post>(res)).approval?.reason).toBe("agent");
  });

  it("is checked as any post is before it waits: a refused draft stores nothing", async () => {
    const t = await approvalTenant();
    const tooLong = await draft(t, t.agentKey, { text: "x".repeat(3001) });
    const problem = await expectProblem(tooLong, 400, "/problems/validation");
    expect(problem.errors?.map((e) => e.field)).toContain("text");
    const res = await call("/v1/posts?status=pending_approval", { token: t.tenant.ownerKey });
    expect((await json<{ data: Post[] }>(res)).data).toEqual([]);
  });

  it("replays its first answer to a repeat with the same Idempotency-Key, and waits once", async () => {
    const t = await approvalTenant();
    const body = { account_id: t.account.id, text: "Once only" };
    const headers = { "Idempotency-Key": crypto.randomUUID() };
    const first = await call("/v1/posts", { token: t.agentKey, headers, body });
    const again = await call("/v1/posts", { token: t.agentKey, headers, body });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await json<Post>(again)).id).toBe((await json<Post>(first)).id);
    const queue = await json<{ data: Post[] }>(await call("/v1/posts?status=pending_approval", { token: t.agentKey }));
    expect(queue.data.map((p) => p.text)).toEqual(["Once only"]);
  });
});

describe("the approval queue", () => {
  it("is GET /v1/posts?status=pending_approval, newest first, page by page", async () => {
    const t = await approvalTenant();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await waitingPost(t)).id);
    // A post published meanwhile is not in it.
    expect((await draft(t, t.tenant.ownerKey)).status).toBe(201);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/v1/posts?status=pending_approval&limit=3${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await json<{ data: Post[]; next_cursor: string | null }>(
        await call(query, { token: t.tenant.ownerKey }),
      );
      for (const post of page.data) expect(post.status, post.id).toBe("pending_approval");
      seen.push(...page.data.map((p) => p.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });
});

describe("another tenant's waiting post", () => {
  it("is not found by any approval route, and nothing of it changes", async () => {
    const mine = await approvalTenant();
    const theirs = await approvalTenant();
    const post = await waitingPost(theirs);
    const token = mine.tenant.ownerKey;
    const answers = [
      await call(`/v1/posts/${post.id}`, { token }),
      await approve(token, post.id),
      await reject(token, post.id, "Not ours"),
      await edit(token, post.id, { text: "Taken over" }),
      await call(`/v1/posts/${post.id}/revisions`, { token }),
      await call(`/v1/posts/${post.id}`, { method: "DELETE", token }),
    ];
    for (const [i, res] of answers.entries()) await expectProblem(res, 404, "/problems/not-found", `call ${i}`);
    const read = await readPost(theirs.tenant.ownerKey, post.id);
    expect(read.status).toBe("pending_approval");
    expect(read.text).toBe(post.text);
    expect(await revisions(theirs.tenant.ownerKey, post.id)).toHaveLength(1);
    expect(await sentTexts(theirs)).toEqual([]);
  });
});
