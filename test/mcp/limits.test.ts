// The tenant's limits apply to an agent as to any client: each MCP request is charged to
// the key's hourly limit once (a tool call by the API operation it makes, so never twice),
// and a call over it is a tool error with its Retry-After; a request that is no tool call
// over the limit is the API's 429.
import { describe, expect, it } from "vitest";
import { publisher } from "../billing/quota-support";
import { sandbox, sandboxUserOf } from "../support/accounts";
import { createOwnerKey, createTenant } from "../support/tenants";
import { callTool, postMcp, problemOf, rpc } from "./support";

describe("limits and quotas through MCP", () => {
  it("charges each request once, and refuses past the limit", async () => {
    const tenant = await createTenant();
    const { key } = await createOwnerKey(tenant, { scopes: ["read:accounts", "read:posts"], rate_limit_per_hour: 5 });
    await rpc(key, "initialize", {
      protocolVersion: "2025-11-25",
      capabilities: {},
      clientInfo: { name: "t", version: "1" },
    });
    await rpc(key, "tools/list");
    expect((await callTool(key, "list_accounts")).isError).toBeFalsy();
    expect((await callTool(key, "list_posts")).isError).toBeFalsy();
    // A call refused before any operation (an argument with no place) is charged too.
    expect(problemOf(await callTool(key, "list_posts", { nope: 1 })).status).toBe(400);

    const limited = await callTool(key, "list_posts");
    const problem = problemOf(limited);
    expect(problem.status).toBe(429);
    expect(problem.detail).toBe("This API key is limited to 5 requests per hour");
    expect(limited.content[0]?.text).toMatch(/Retry after \d+ seconds/);

    const listed = await postMcp({ jsonrpc: "2.0", id: 9, method: "tools/list" }, { token: key });
    expect(listed.status).toBe(429);
    expect(Number(listed.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(listed.headers.get("RateLimit-Remaining")).toBe("0");
  });

  it("lets the plan's posts a month refuse a draft, as POST /v1/posts does", async () => {
    const p = await publisher({ max_posts_per_month: 2, approvals: { required_for: "none" } });
    for (const text of ["First of two", "Second of two"]) {
      const result = await callTool(p.key, "draft_post", { account_id: p.account.id, text });
      expect(result.isError, result.content[0]?.text).toBeFalsy();
    }
    const refused = await callTool(p.key, "draft_post", { account_id: p.account.id, text: "One too many" });
    const problem = problemOf(refused);
    expect(problem).toMatchObject({ status: 429, type: "/problems/quota-posts-per-month" });
    expect(refused.content[0]?.text).toMatch(/Retry after \d+ seconds/);
    expect((await sandbox("linkedin").counters(sandboxUserOf(p.account))).publish).toBe(2);
  });
});
