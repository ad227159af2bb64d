// A refusal is a tool error carrying the API's problem, never a broken session: another
// tenant's ids are 404 as unknown ones, a bad argument names its field, a missing scope
// names the scope; an unknown tool is the protocol's own error, and the next call goes on.
import { beforeAll, describe, expect, it } from "vitest";
import { type ConnectedAccount, connectAccount, publishBody } from "../support/accounts";
import { call, json } from "../support/http";
import { createOwnerKey, createTenant, type TestTenant } from "../support/tenants";
import { callTool, problemOf, rpc } from "./support";

describe("MCP tool errors", () => {
  let mine: TestTenant;
  let theirs: TestTenant;
  let account: ConnectedAccount;
  let theirPost: string;
  let theirScheduled: string;

  beforeAll(async () => {
    mine = await createTenant({ settings: { approvals: { required_for: "none" } } });
    theirs = await createTenant({ name: "Rival Steel Ltd" });
    account = await connectAccount(mine.ownerKey, "linkedin");
    const theirAccount = await connectAccount(theirs.ownerKey, "linkedin");
    theirPost = (
      await json<{ id: string }>(await call("/v1/posts", { token: theirs.ownerKey, body: publishBody(theirAccount) }))
    ).id;
    theirScheduled = (
      await json<{ id: string }>(
        await call("/v1/posts", {
          token: theirs.ownerKey,
          body: publishBody(theirAccount, { scheduled_at: new Date(Date.now() + 86_400_000).toISOString() }),
        }),
      )
    ).id;
  });

  it("answers another tenant's ids 404, as for ids that do not exist, and changes nothing", async () => {
    for (const [tool, id] of [
      ["get_post", theirPost],
      ["get_post_analytics", theirPost],
      ["cancel_post", theirScheduled],
      ["get_post", "post_00000000000000000000000000"],
    ] as const) {
      const problem = problemOf(await callTool(mine.ownerKey, tool, { id }));
      expect(problem.status, `${tool} ${id}`).toBe(404);
      expect(problem.type, tool).toBe("/problems/not-found");
    }
    const theirs_ = await json<{ status: string }>(
      await call(`/v1/posts/${theirScheduled}`, { token: theirs.ownerKey }),
    );
    expect(theirs_.status).toBe("scheduled");
    const draft = problemOf(
      await callTool(mine.ownerKey, "draft_post", { account_id: "acc_00000000000000000000000000", text: "x" }),
    );
    expect(draft.status).toBe(404);
  });

  it("names the bad argument's field, as the API's 400 does", async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ["draft_post", { account_id: account.id, text: "" }, "text"],
      ["draft_post", { account_id: "acc_nope", text: "Hi" }, "account_id"],
      ["draft_post", { account_id: account.id, text: "Hi", scheduled_at: "yesterday" }, "scheduled_at"],
      ["draft_post", { text: "Hi" }, "account_id"],
      ["draft_post", { account_id: account.id, text: "Hi", bogus: true }, "bogus"],
      ["draft_post", { platform: "myspace", text: "Hi" }, "platform"],
      ["draft_post", { platform: "twitter", text: "Hi" }, "platform"],
      ["draft_post", { platform: "linkedin", account_id: account.id, text: "Hi" }, "platform"],
      ["list_posts", { limit: 0 }, "limit"],
      ["list_posts", { status: "lost" }, "status"],
      ["list_posts", { cursor: "not-a-cursor" }, "cursor"],
      ["get_post", { id: "42" }, "id"],
      ["get_post", {}, "id"],
      ["top_posts", { days: 91 }, "days"],
      ["search_knowledge", { vector: [1, 2, 3] }, "vector"],
      ["list_templates", { colour: "red" }, "colour"],
    ];
    for (const [tool, args, field] of cases) {
      const result = await callTool(mine.ownerKey, tool, args);
      const problem = problemOf(result);
      const label = `${tool} ${JSON.stringify(args)}`;
      expect(problem.status, label).toBe(400);
      expect(
        problem.errors?.map((e) => e.field),
        label,
      ).toContain(field);
      expect(result.content[0]?.text, label).toContain(`"${field}"`);
    }
    const posts = await json<{ data: unknown[] }>(await call("/v1/posts", { token: mine.ownerKey }));
    expect(posts.data, "no bad draft made a post").toEqual([]);
  });

  it("says which scope a key lacks", async () => {
    const { key } = await createOwnerKey(mine, { scopes: ["read:posts"] });
    const problem = problemOf(await callTool(key, "list_accounts"));
    expect(problem.status).toBe(403);
    expect(problem.detail).toContain('"read:accounts"');
  });

  it("answers an unknown tool with the protocol's error and goes on answering", async () => {
    const answer = await rpc(mine.ownerKey, "tools/call", { name: "delete_everything", arguments: {} });
    expect(answer.error?.code).toBe(-32602);
    expect(answer.error?.message).toContain("delete_everything");
    const next = await callTool(mine.ownerKey, "list_accounts");
    expect(next.isError).toBeFalsy();
    const notAnObject = await rpc(mine.ownerKey, "tools/call", { name: "list_posts", arguments: [1, 2] });
    expect(notAnObject.error?.code, "arguments must be an object").toBe(-32602);
  });
});
