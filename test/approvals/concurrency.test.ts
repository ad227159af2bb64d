// Approvers pressing at once (docs/approvals.md): the tenant's object lets one approval
// go on and answers every other 409, so a post is published once, whatever the number of
// approvals in flight; and approvals racing a rejection or an edit leave one outcome.
import { describe, expect, it } from "vitest";
import { recordsInD1 } from "../support/objects";
import {
  approvalTenant,
  approve,
  auditOf,
  edit,
  expectProblem,
  member,
  readPost,
  reject,
  revisions,
  sentTexts,
  waitingPost,
} from "./support";

describe("approvals at once", () => {
  it("50 approvals of one post in flight: exactly one publishes it, the 49 others are 409, the platform gets one post", async () => {
    const t = await approvalTenant();
    const admin = await member(t, "admin");
    const post = await waitingPost(t);
    const approvers = [t.ownerSession, t.tenant.ownerKey, admin.session, admin.key];
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => approve(approvers[i % approvers.length] as string, post.id)),
    );
    const statuses = answers.map((res) => res.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    for (const [i, res] of answers.entries()) {
      if (res.status === 409) await expectProblem(res, 409, "/problems/conflict", `approval ${i}`);
    }
    expect(await sentTexts(t)).toEqual([post.text]);
    await recordsInD1(t.tenant.tenantId);
    expect((await readPost(t.tenant.ownerKey, post.id)).status).toBe("published");
    // One approval in the trail, under its approver; each refused one audited as refused.
    const trail = await auditOf(t.tenant.tenantId, post.id, "post.approve");
    expect(trail.filter((row) => row.success === 1)).toHaveLength(1);
    expect(trail.filter((row) => row.success === 0)).toHaveLength(49);
    expect((await revisions(t.tenant.ownerKey, post.id)).filter((r) => r.type === "approved")).toHaveLength(1);
  });

  it("200 approvals of 20 posts in flight: each post published once", async () => {
    const t = await approvalTenant();
    const posts: { id: string; text: string }[] = [];
    for (let i = 0; i < 20; i++) posts.push(await waitingPost(t));
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const post = posts[i % posts.length] as { id: string };
        return approve(i % 2 ? t.ownerSession : t.tenant.ownerKey, post.id).then((res) => ({ id: post.id, res }));
      }),
    );
    for (const post of posts) {
      const mine = answers.filter((a) => a.id === post.id).map((a) => a.res.status);
      expect(
        mine.filter((s) => s === 201),
        post.id,
      ).toHaveLength(1);
      expect(
        mine.filter((s) => s === 409),
        post.id,
      ).toHaveLength(9);
    }
    expect((await sentTexts(t)).toSorted()).toEqual(posts.map((p) => p.text).toSorted());
  });

  it("approvals racing a rejection: the post is either published once or rejected, never both", async () => {
    const t = await approvalTenant();
    for (let round = 0; round < 5; round++) {
      const post = await waitingPost(t);
      const answers = await Promise.all([
        ...Array.from({ length: 10 }, () => approve(t.ownerSession, post.id)),
        reject(t.tenant.ownerKey, post.id, "Not this one"),
        edit(t.agentKey, post.id, { text: `Changed in round ${round}` }),
      ]);
      const approved = answers.slice(0, 10).filter((res) => res.status === 201).length;
      const rejected = answers[10]?.status === 200;
      const read = await readPost(t.tenant.ownerKey, post.id);
      const label = `round ${round}: ${answers.map((res) => res.status).join(",")}`;
      expect(approved + (rejected ? 1 : 0), label).toBe(1);
      expect(read.status, label).toBe(rejected ? "rejected" : "published");
      const sent = (await sentTexts(t)).filter((text) => text === read.text);
      expect(sent, label).toHaveLength(rejected ? 0 : 1);
    }
  });
});
