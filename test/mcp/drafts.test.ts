// Drafts through MCP and the scopes that bound them: a post drafted through the MCP
// server is an agent's, and waits for a person's approval under the tenant's default rules;
// a key with draft:posts and neither publish nor write:posts cannot publish through any
// tool (its drafts always wait, its cancel is refused), and nothing reaches the platform.
import { describe, expect, it } from "vitest";
import { embedding } from "../content/vectors";
import { type ConnectedAccount, connectAccount, publishBody, sandbox, sandboxUserOf } from "../support/accounts";
import { call, json } from "../support/http";
import { createOwnerKey, createTenant, type TestTenant } from "../support/tenants";
import { callTool, problemOf, type ToolResult } from "./support";

interface Post {
  id: string;
  status: string;
  account_id: string;
}

function postOf(result: ToolResult, label: string): Post {
  expect(result.isError, `${label}: ${result.content[0]?.text}`).toBeFalsy();
  return result.structuredContent as unknown as Post;
}

async function publishes(account: ConnectedAccount): Promise<number> {
  return (await sandbox(account.platform).counters(sandboxUserOf(account))).publish ?? 0;
}

async function statusesOf(tenant: TestTenant): Promise<Map<string, string>> {
  const page = await json<{ data: Post[] }>(await call("/v1/posts?limit=100", { token: tenant.ownerKey }));
  return new Map(page.data.map((post) => [post.id, post.status]));
}

describe("drafts through MCP", () => {
  it("wait for approval under the tenant's default rules, sending nothing", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    // The owner's own key may publish: through MCP its post is still an agent's draft.
    const post = postOf(
      await callTool(tenant.ownerKey, "draft_post", { account_id: account.id, text: "An agent's first draft" }),
      "draft",
    );
    expect(post.status).toBe("pending_approval");
    expect(await publishes(account)).toBe(0);
    const queue = await json<{ data: Post[] }>(
      await call("/v1/posts?status=pending_approval", { token: tenant.ownerKey }),
    );
    expect(queue.data.map((p) => p.id)).toEqual([post.id]);
    // The same key on the API itself publishes: the server is what makes it an agent.
    const direct = await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account) });
    expect(((await direct.json()) as Post).status).toBe("published");
  });

  it("of a key with draft:posts but neither publish nor write:posts publish nothing, through any tool", async () => {
    // A tenant where nobody's posts wait: only the key's want of publish holds them.
    const tenant = await createTenant({ settings: { approvals: { required_for: "none" } } });
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    const scheduled = await json<Post>(
      await call("/v1/posts", {
        token: tenant.ownerKey,
        body: publishBody(account, { scheduled_at: new Date(Date.now() + 86_400_000).toISOString() }),
      }),
    );
    const { key, scopes } = await createOwnerKey(tenant, {
      scopes: ["read:accounts", "read:posts", "draft:posts", "read:analytics", "read:content", "read:brand"],
    });
    expect(scopes).not.toContain("publish");
    expect(scopes).not.toContain("write:posts");
    const before = await statusesOf(tenant);
    const sentBefore = await publishes(account);

    const at = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const drafts = [
      { account_id: account.id, text: "Now, please" },
      { account_id: account.id, text: "On Thursday", scheduled_at: at },
      { platform: "linkedin", text: "On the one account" },
      { account_id: account.id, text: "At the best time", scheduled_at: "best" },
    ];
    const drafted: string[] = [];
    for (const args of drafts) {
      const result = await callTool(key, "draft_post", args);
      if (result.isError) {
        // "best" needs a post configuration: refused, and nothing made.
        expect(args.scheduled_at, result.content[0]?.text).toBe("best");
        continue;
      }
      const post = postOf(result, args.text);
      expect(post.status, args.text).toBe("pending_approval");
      drafted.push(post.id);
    }
    expect(drafted).toHaveLength(3);
    // Every other tool, with arguments that would change something if a tool could.
    const refused = problemOf(await callTool(key, "cancel_post", { id: scheduled.id }));
    expect(refused.status).toBe(403);
    expect(refused.detail).toContain('"publish"');
    for (const [name, args] of [
      ["list_accounts", {}],
      ["list_posts", { status: "pending_approval" }],
      ["get_post", { id: drafted[0] }],
      ["get_post_analytics", { id: scheduled.id }],
      ["top_posts", {}],
      ["anomalies", {}],
      ["search_knowledge", { vector: embedding() }],
      ["get_brand_profile", {}],
      ["list_templates", {}],
    ] as const) {
      await callTool(key, name, args);
    }

    expect(await publishes(account), "nothing sent to the platform").toBe(sentBefore);
    const after = await statusesOf(tenant);
    for (const [id, status] of after) {
      if (before.has(id)) expect(status, `${id} unchanged`).toBe(before.get(id));
      else expect(status, `${id}, drafted by the key`).toBe("pending_approval");
    }
    expect(after.get(scheduled.id)).toBe("scheduled");
  });

  it("of a key with neither publish nor draft:posts are refused, naming both scopes", async () => {
    const tenant = await createTenant({ settings: { approvals: { required_for: "none" } } });
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    const { key } = await createOwnerKey(tenant, { scopes: ["read:accounts", "read:posts"] });
    const problem = problemOf(await callTool(key, "draft_post", { account_id: account.id, text: "Not allowed" }));
    expect(problem.status).toBe(403);
    expect(problem.detail).toBe('This API key lacks the scope "publish" (or "draft:posts") (posts.create)');
    expect((await statusesOf(tenant)).size).toBe(0);
  });
});
