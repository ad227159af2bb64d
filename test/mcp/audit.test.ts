// Every tool call leaves one audit row in its tenant's trail (action mcp.tool_call): the
// tool, the key, the SHA-256 of its arguments (never the arguments), the operation it
// called, its status and outcome; calls that fail are audited as those that succeed,
// and hundreds in flight leave exactly one row each.
import { beforeAll, describe, expect, it } from "vitest";
import { type ConnectedAccount, connectAccount } from "../support/accounts";
import { tenantDb } from "../support/databases";
import { createOwnerKey, createTenant, type TestTenant } from "../support/tenants";
import { callTool, rpc } from "./support";

interface Row {
  user_id: string;
  resource_type: string;
  resource_id: string;
  request_id: string | null;
  success: number;
  error_message: string | null;
  metadata: string;
}

interface Metadata {
  tool: string;
  agent: { kind: string; keyId: string };
  arguments_sha256: string;
  operation: string | null;
  status: number;
  outcome: string;
  problem_type?: string;
  api_request_id: string | null;
}

async function toolCallRows(tenantId: string): Promise<(Row & { meta: Metadata })[]> {
  const { results } = await (await tenantDb(tenantId))
    .prepare("SELECT * FROM audit_logs WHERE tenant_id = ? AND action = 'mcp.tool_call' ORDER BY timestamp, log_id")
    .bind(tenantId)
    .all<Row>();
  return results.map((row) => ({ ...row, meta: JSON.parse(row.metadata) as Metadata }));
}

/** Written here, not imported: JSON with sorted keys, then its SHA-256 in hex. */
async function digest(value: unknown): Promise<string> {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : v && typeof v === "object"
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
          )
        : v;
  const bytes = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(sorted(value))));
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

describe("the audit of tool calls", () => {
  let tenant: TestTenant;
  let key: { id: string; key: string };
  let account: ConnectedAccount;

  beforeAll(async () => {
    tenant = await createTenant({ settings: { approvals: { required_for: "none" } } });
    account = await connectAccount(tenant.ownerKey, "linkedin");
    key = await createOwnerKey(tenant, {
      scopes: ["read:accounts", "read:posts", "publish", "read:analytics", "read:content", "read:brand"],
      rate_limit_per_hour: 100_000,
    });
  });

  it("writes one row per call, whatever its outcome, with the arguments' digest", async () => {
    const calls: {
      name: string;
      args: Record<string, unknown>;
      ok: boolean;
      status: number;
      operation: string | null;
    }[] = [
      { name: "list_accounts", args: {}, ok: true, status: 200, operation: "GET /v1/social-accounts" },
      {
        name: "draft_post",
        args: { account_id: account.id, text: "Audited draft", hashtags: ["steel"] },
        ok: true,
        status: 201,
        operation: "POST /v1/posts",
      },
      { name: "list_posts", args: { limit: 0 }, ok: false, status: 400, operation: "GET /v1/posts" },
      {
        name: "get_post",
        args: { id: "post_00000000000000000000000000" },
        ok: false,
        status: 404,
        operation: "GET /v1/posts/{id}",
      },
      { name: "get_brand_profile", args: {}, ok: false, status: 404, operation: "GET /v1/brand-profile" },
      { name: "list_templates", args: { unknown_argument: 1 }, ok: false, status: 400, operation: null },
    ];
    for (const call of calls) await callTool(key.key, call.name, call.args);
    // The protocol's refusals are calls too.
    expect((await rpc(key.key, "tools/call", { name: "no_such_tool", arguments: { a: 1 } })).error?.code).toBe(-32602);
    // Listing tools is not a tool call.
    await rpc(key.key, "tools/list");

    const rows = await toolCallRows(tenant.tenantId);
    expect(rows.map((r) => r.resource_id)).toEqual([...calls.map((c) => c.name), "no_such_tool"]);
    for (const [i, call] of calls.entries()) {
      const row = rows[i] as Row & { meta: Metadata };
      const label = `${call.name} ${JSON.stringify(call.args)}`;
      expect(row.user_id, label).toBe(tenant.ownerId);
      expect(row.resource_type, label).toBe("mcp_tool");
      expect(row.success, label).toBe(call.ok ? 1 : 0);
      expect(row.meta, label).toMatchObject({
        tool: call.name,
        agent: { kind: "api_key", keyId: key.id },
        arguments_sha256: await digest(call.args),
        operation: call.operation,
        status: call.status,
        outcome: call.ok ? "ok" : "error",
      });
      expect(row.meta.api_request_id !== null, `${label}: the API request it made`).toBe(call.operation !== null);
      if (!call.ok) expect(row.error_message, label).toMatch(new RegExp(`^${call.status}: `));
      // The arguments themselves are not kept.
      expect(row.metadata, label).not.toContain("Audited draft");
    }
    expect(rows[6]?.meta).toMatchObject({ tool: "no_such_tool", status: 404, outcome: "error", operation: null });
    // The draft's own row is its route's, under the API request the tool call names.
    const draftRow = await (await tenantDb(tenant.tenantId))
      .prepare("SELECT request_id FROM audit_logs WHERE tenant_id = ? AND action = 'post.publish'")
      .bind(tenant.tenantId)
      .first<{ request_id: string }>();
    expect(draftRow?.request_id).toBe(rows[1]?.meta.api_request_id);
  });

  it("writes exactly one row each for two hundred calls in flight", async () => {
    const fresh = await createTenant();
    const many = await createOwnerKey(fresh, { scopes: ["read:posts"], rate_limit_per_hour: 100_000 });
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => callTool(many.key, "list_posts", { limit: (i % 100) + 1 })),
    );
    expect(results.filter((r) => r.isError).map((r) => r.content[0]?.text)).toEqual([]);
    const rows = await toolCallRows(fresh.tenantId);
    expect(rows).toHaveLength(200);
    const digests = new Set(rows.map((r) => r.meta.arguments_sha256));
    expect(digests.size, "one digest per distinct arguments").toBe(100);
    expect(new Set(rows.map((r) => r.request_id)).size, "each call its own request").toBe(200);
  });
});
