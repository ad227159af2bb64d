// Each tool against a seeded tenant: its answer is its API operation's, called with the
// same key (structuredContent equal to the API's JSON, the same JSON as text, a short
// first line), and a post drafted where the tenant's approvals allow it publishes or
// schedules as POST /v1/posts does.
import { beforeAll, describe, expect, it } from "vitest";
import { embedding, near } from "../content/vectors";
import { brandProfile, TEMPLATE } from "../security/own-content";
import { type ConnectedAccount, connectAccount, publishBody } from "../support/accounts";
import { ingest } from "../support/analytics";
import { call, json } from "../support/http";
import { recordsInD1 } from "../support/objects";
import { createTenant, type TestTenant } from "../support/tenants";
import { callTool, type ToolResult } from "./support";

/** What the same key reads from the API. */
async function api(token: string, path: string, options: { method?: string; body?: unknown } = {}) {
  const res = await call(path, { token, ...options });
  expect(res.status, `${path}: ${await res.clone().text()}`).toBeLessThan(300);
  return json<Record<string, unknown>>(res);
}

function expectAnswer(result: ToolResult, label: string): Record<string, unknown> {
  expect(result.isError, `${label}: ${result.content[0]?.text}`).toBeFalsy();
  expect(result.content[0]?.type, label).toBe("text");
  expect(JSON.parse(result.content[1]?.text ?? "null"), `${label}: the JSON as text`).toEqual(result.structuredContent);
  return result.structuredContent as Record<string, unknown>;
}

describe("MCP tools, each its API operation", () => {
  let tenant: TestTenant;
  let account: ConnectedAccount;
  const posts: string[] = [];
  const topic = embedding();
  let entryId: string;

  beforeAll(async () => {
    // Nobody's posts wait here: the drafts publish or schedule as the API's would.
    tenant = await createTenant({ settings: { approvals: { required_for: "none" } } });
    account = await connectAccount(tenant.ownerKey, "linkedin");
    for (let i = 0; i < 6; i++) {
      const post = await api(tenant.ownerKey, "/v1/posts", { body: publishBody(account, { text: `Measured ${i}` }) });
      posts.push(post.id as string);
    }
    const events = posts.map((post, i) => ({
      post_id: post,
      type: "snapshot",
      metrics: i === 5 ? { impressions: 1000, likes: 400 } : { impressions: 1000 + i, likes: 10 + i },
    }));
    expect((await ingest(tenant.ownerKey, events)).status).toBe(200);
    await recordsInD1(tenant.tenantId);
    await api(tenant.ownerKey, "/v1/templates", { body: TEMPLATE });
    await api(tenant.ownerKey, "/v1/brand-profile", { method: "PUT", body: brandProfile() });
    entryId = (
      await api(tenant.ownerKey, "/v1/knowledge", {
        body: { title: "Voice", entry_type: "guideline", content: "Plain, confident.", embedding: topic },
      })
    ).id as string;
  });

  it("list_accounts is GET /v1/social-accounts", async () => {
    const answer = expectAnswer(await callTool(tenant.ownerKey, "list_accounts"), "list_accounts");
    expect(answer).toEqual(await api(tenant.ownerKey, "/v1/social-accounts"));
    const result = await callTool(tenant.ownerKey, "list_accounts", { platform: "linkedin" });
    expect(result.content[0]?.text).toMatch(new RegExp(`^1 social account\\n- id: ${account.id}, platform: linkedin`));
  });

  it("list_posts, get_post and get_post_analytics are their operations", async () => {
    const page = expectAnswer(await callTool(tenant.ownerKey, "list_posts", { limit: 3, status: "published" }), "list");
    expect(page).toEqual(await api(tenant.ownerKey, "/v1/posts?limit=3&status=published"));
    expect((page.data as unknown[]).length).toBe(3);
    const next = expectAnswer(
      await callTool(tenant.ownerKey, "list_posts", { limit: 3, status: "published", cursor: page.next_cursor }),
      "list, page 2",
    );
    expect(next).toEqual(
      await api(tenant.ownerKey, `/v1/posts?limit=3&status=published&cursor=${page.next_cursor as string}`),
    );

    const post = expectAnswer(await callTool(tenant.ownerKey, "get_post", { id: posts[0] }), "get_post");
    expect(post).toEqual(await api(tenant.ownerKey, `/v1/posts/${posts[0]}`));

    const figures = expectAnswer(await callTool(tenant.ownerKey, "get_post_analytics", { id: posts[5] }), "analytics");
    const read = await api(tenant.ownerKey, `/v1/posts/${posts[5]}/analytics`);
    for (const field of ["post_id", "likes", "impressions", "engagement_rate", "performance_score", "anomaly_type"]) {
      expect(figures[field], field).toEqual(read[field]);
    }
  });

  it("top_posts and anomalies are the post reports", async () => {
    const top = expectAnswer(await callTool(tenant.ownerKey, "top_posts", { days: 7, limit: 3 }), "top_posts");
    const topRead = await api(tenant.ownerKey, "/v1/analytics/top-posts?days=7&limit=3");
    expect((top.data as { post_id: string }[]).map((p) => p.post_id)).toEqual(
      (topRead.data as { post_id: string }[]).map((p) => p.post_id),
    );
    expect((top.data as { post_id: string }[])[0]?.post_id).toBe(posts[5]);
    const anomalies = expectAnswer(await callTool(tenant.ownerKey, "anomalies", {}), "anomalies");
    expect(
      (anomalies.data as { post_id: string; anomaly_type: string }[]).map((p) => [p.post_id, p.anomaly_type]),
    ).toEqual([[posts[5], "high"]]);
  });

  it("search_knowledge, get_brand_profile and list_templates read the brand", async () => {
    const search = expectAnswer(
      await callTool(tenant.ownerKey, "search_knowledge", { vector: near(topic), top_k: 3 }),
      "search_knowledge",
    );
    const matches = search.matches as { score: number; entry: { id: string } }[];
    expect(matches[0]?.entry.id).toBe(entryId);
    const profile = expectAnswer(await callTool(tenant.ownerKey, "get_brand_profile"), "get_brand_profile");
    expect(profile).toEqual(await api(tenant.ownerKey, "/v1/brand-profile"));
    const templates = expectAnswer(
      await callTool(tenant.ownerKey, "list_templates", { platform: "linkedin" }),
      "list_templates",
    );
    expect(templates).toEqual(await api(tenant.ownerKey, "/v1/templates?platform=linkedin"));
    expect((templates.data as unknown[]).length).toBe(1);
  });

  it("draft_post publishes now, schedules, names the account by platform, and cancel_post cancels", async () => {
    const now = expectAnswer(
      await callTool(tenant.ownerKey, "draft_post", { account_id: account.id, text: "Drafted by an agent, sent now" }),
      "draft now",
    );
    expect(now).toMatchObject({ account_id: account.id, status: "published" });
    expect(now).toEqual(await api(tenant.ownerKey, `/v1/posts/${now.id as string}`));

    const at = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const later = expectAnswer(
      await callTool(tenant.ownerKey, "draft_post", { platform: "linkedin", text: "For Thursday", scheduled_at: at }),
      "draft for later",
    );
    expect(later).toMatchObject({ account_id: account.id, status: "scheduled", scheduled_at: at });
    const byPlatform = expectAnswer(
      await callTool(tenant.ownerKey, "draft_post", { platform: "linkedin", text: "Sent on the one LinkedIn account" }),
      "draft by platform",
    );
    expect(byPlatform).toMatchObject({ account_id: account.id, status: "published" });

    const cancelled = expectAnswer(await callTool(tenant.ownerKey, "cancel_post", { id: later.id }), "cancel");
    expect(cancelled).toMatchObject({ id: later.id, status: "cancelled" });
    expect(await api(tenant.ownerKey, `/v1/posts/${later.id as string}`)).toMatchObject({ status: "cancelled" });
  });

  it("draft_post with an idempotency_key answers its first post again", async () => {
    const args = { account_id: account.id, text: "Said once", idempotency_key: crypto.randomUUID() };
    const first = expectAnswer(await callTool(tenant.ownerKey, "draft_post", args), "first");
    const again = expectAnswer(await callTool(tenant.ownerKey, "draft_post", args), "again");
    expect(again.id).toBe(first.id);
    const listed = await api(tenant.ownerKey, "/v1/posts?limit=100");
    expect((listed.data as { text: string }[]).filter((p) => p.text.startsWith("Said once"))).toHaveLength(1);
  });
});
