// Editing a post that waits (PATCH /v1/posts/{id}; docs/approvals.md): each version is
// kept as a revision (the seed's revision_events) with who made it, when, and which fields
// it changed; an edit is checked as a new post is and a refused one changes nothing; what
// is approved is the last version.
import { describe, expect, it } from "vitest";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import {
  approvalTenant,
  approve,
  edit,
  expectProblem,
  member,
  type Post,
  readPost,
  revisions,
  sentTexts,
  viewer,
  waitingPost,
} from "./support";

describe("an edit of a waiting post", () => {
  it("keeps each version with who, when and what changed; the approved one is the last", async () => {
    const t = await approvalTenant();
    const admin = await member(t, "admin");
    const post = await waitingPost(t, t.agentKey, { text: "Mesh back in stok", hashtags: ["Mesh"] });

    const fixed = await edit(admin.session, post.id, {
      text: "Mesh back in stock",
      classification: "defect",
      note: "Typo",
    });
    expect(fixed.status, await fixed.clone().text()).toBe(200);
    expect(await json<Post>(fixed)).toMatchObject({ status: "pending_approval", text: "Mesh back in stock\n\n#Mesh" });
    const later = new Date(Date.now() + 3 * 3_600_000).toISOString();
    const retimed = await edit(t.agentKey, post.id, { hashtags: ["Mesh", "A142"], scheduled_at: later });
    expect(retimed.status, await retimed.clone().text()).toBe(200);
    // The same values again: no new version.
    expect((await edit(t.agentKey, post.id, { hashtags: ["Mesh", "A142"] })).status).toBe(200);

    const history = await revisions(t.tenant.ownerKey, post.id);
    expect(
      history.map((r) => ({ type: r.type, by: r.edited_by, changed: r.changed, classification: r.classification })),
    ).toEqual([
      { type: "drafted", by: t.tenant.ownerId, changed: [], classification: null },
      { type: "manual_edit", by: admin.userId, changed: ["text"], classification: "defect" },
      {
        type: "manual_edit",
        by: t.tenant.ownerId,
        changed: ["hashtags", "scheduled_at"],
        classification: "preference",
      },
    ]);
    expect(history.map((r) => r.version.text)).toEqual([
      "Mesh back in stok",
      "Mesh back in stock",
      "Mesh back in stock",
    ]);
    expect(history[1]?.note).toBe("Typo");
    expect(history[2]?.version).toMatchObject({ hashtags: ["Mesh", "A142"], scheduled_at: later });
    for (const [i, r] of history.entries()) {
      expect(Date.parse(r.created_at), `revision ${i} time`).not.toBeNaN();
      if (i > 0) expect(r.id > (history[i - 1]?.id ?? ""), `revision ${i} after the one before`).toBe(true);
    }
    // Kept in the seed's revision_events, by post.
    const { results } = await (await tenantDb(t.tenant.tenantId))
      .prepare("SELECT revision_type, request_id, content_id FROM revision_events WHERE post_id = ? ORDER BY event_id")
      .bind(post.id)
      .all<{ revision_type: string; request_id: string; content_id: string | null }>();
    expect(results).toEqual([
      { revision_type: "drafted", request_id: post.id, content_id: null },
      { revision_type: "manual_edit", request_id: post.id, content_id: null },
      { revision_type: "manual_edit", request_id: post.id, content_id: null },
    ]);

    // What is approved is the last version.
    const approved = await approve(t.ownerSession, post.id, { scheduled_at: "best" }).then(async (res) => {
      // No post configuration: "best" has no time to give, the field is named, the post still waits.
      const problem = await expectProblem(res, 400, "/problems/validation");
      expect(problem.errors?.map((e) => e.field)).toEqual(["scheduled_at"]);
      return approve(t.ownerSession, post.id);
    });
    expect(approved.status, await approved.clone().text()).toBe(202);
    expect(await json<Post>(approved)).toMatchObject({ status: "scheduled", scheduled_at: later });
    expect((await readPost(t.tenant.ownerKey, post.id)).text).toBe("Mesh back in stock\n\n#Mesh #A142");
    expect((await revisions(t.tenant.ownerKey, post.id)).at(-1)).toMatchObject({ type: "approved", changed: [] });
    // Approved, it can no longer be edited.
    await expectProblem(await edit(t.ownerSession, post.id, { text: "Too late" }), 409, "/problems/conflict");
  });

  it("is checked as a new post is: a refused edit changes nothing and keeps no version", async () => {
    const t = await approvalTenant();
    const post = await waitingPost(t);
    const cases: [string, Record<string, unknown>, number, string][] = [
      ["beyond LinkedIn's 3000 characters", { text: "x".repeat(3001) }, 400, "text"],
      ["an empty text", { text: "" }, 400, "text"],
      ["nothing to change", { classification: "defect" }, 400, ""],
      ["a time gone by", { scheduled_at: new Date(Date.now() - 60_000).toISOString() }, 400, "scheduled_at"],
      ["a plain-http image", { image_url: "http://cdn.example.com/a.jpg" }, 400, "image_url"],
      ["an unknown field", { account_id: "acc_01" }, 400, ""],
    ];
    for (const [label, body, status, field] of cases) {
      const problem = await expectProblem(
        await edit(t.ownerSession, post.id, body),
        status,
        "/problems/validation",
        label,
      );
      expect(problem.errors?.map((e) => e.field) ?? [], label).toContain(field);
    }
    const read = await readPost(t.tenant.ownerKey, post.id);
    expect(read.text).toBe(post.text);
    expect(await revisions(t.tenant.ownerKey, post.id)).toHaveLength(1);
    expect(await sentTexts(t)).toEqual([]);
  });

  it("is a writer's: a viewer may read the revisions but not edit", async () => {
    const t = await approvalTenant();
    const reader = await viewer(t);
    const post = await waitingPost(t);
    await expectProblem(await edit(reader.session, post.id, { text: "Mine now" }), 403, "/problems/forbidden");
    expect(await revisions(reader.session, post.id)).toHaveLength(1);
    // A post that never waited has no revisions.
    const published = await call("/v1/posts", {
      token: t.tenant.ownerKey,
      body: { account_id: t.account.id, text: "Straight out" },
    });
    expect(await revisions(reader.session, (await json<Post>(published)).id)).toEqual([]);
  });
});
