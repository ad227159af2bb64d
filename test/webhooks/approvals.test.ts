// The approval events (docs/webhooks.md, docs/approvals.md): a post an agent drafts is
// post.pending_approval; an approval is post.approved just before the publish's own event
// (post.published, or post.scheduled for later), in the post's sequence; a rejection is
// post.rejected with its reason. Only endpoints subscribed to them (or to "*") receive
// them, and no event body names a member. Delivered by the consumer on the test's clock.
import { describe, expect, it } from "vitest";
import { approvalTenant, approve, draft, reject, waitingPost } from "../approvals/support";
import { json } from "../support/http";
import { advanceObjectClock, objectNow } from "../support/objects";
import { createEndpoint, deliverAll, received, receiverName } from "./support";

const APPROVAL_EVENTS = ["post.pending_approval", "post.approved", "post.rejected"];

interface Envelope {
  type: string;
  data: {
    post: {
      id: string;
      status: string;
      approval: { state: string; decided_by: string | null; rejection_reason: string | null } | null;
    };
    sequence: number;
    reason?: string;
  };
}

/** The consumer's clock: fixed, a moment after the events. */
function testClock(atMs: number) {
  return () => atMs;
}

/** The post events `name` received, by post, each post's events in their sequence's order. */
async function eventsByPost(name: string): Promise<Map<string, Envelope[]>> {
  const byPost = new Map<string, Envelope[]>();
  for (const delivery of await received(name)) {
    const envelope = JSON.parse(delivery.body) as Envelope;
    // "*" has the account's connection too (emitted before the endpoints were known).
    if (!envelope.type.startsWith("post.")) continue;
    const list = byPost.get(envelope.data.post.id) ?? [];
    list.push(envelope);
    byPost.set(envelope.data.post.id, list);
  }
  for (const list of byPost.values()) list.sort((a, b) => a.data.sequence - b.data.sequence);
  return byPost;
}

describe("a waiting post's webhooks", () => {
  it("tells a subscribed endpoint of the draft, the approval before the publish, the rejection with its reason; no one else", async () => {
    const t = await approvalTenant();
    const subscribed = receiverName("approvals");
    const everything = receiverName("all");
    const other = receiverName("published");
    await createEndpoint(t.tenant.ownerKey, subscribed, { events: [...APPROVAL_EVENTS, "post.published"] });
    await createEndpoint(t.tenant.ownerKey, everything, { events: ["*"] });
    await createEndpoint(t.tenant.ownerKey, other, { events: ["post.published", "post.scheduled"] });

    const approved = await waitingPost(t);
    const res = await approve(t.ownerSession, approved.id);
    expect(res.status, await res.clone().text()).toBe(201);
    const rejected = await waitingPost(t);
    const rejection = await reject(t.tenant.ownerKey, rejected.id, "Off brand: wrong price");
    expect(rejection.status, await rejection.clone().text()).toBe(200);

    const { result } = await deliverAll(t.tenant.tenantId, { clock: testClock(Date.now() + 1000) });
    expect(result.retryMessages, "nothing retried").toEqual([]);

    for (const name of [subscribed, everything]) {
      const byPost = await eventsByPost(name);
      const first = byPost.get(approved.id) ?? [];
      expect(
        first.map((e) => [e.type, e.data.sequence]),
        `${name}: the approved post's events`,
      ).toEqual([
        ["post.pending_approval", 1],
        ["post.approved", 2],
        ["post.published", 3],
      ]);
      expect(first[0]?.data.post, name).toMatchObject({ status: "pending_approval", approval: { state: "pending" } });
      expect(first[1]?.data.post, name).toMatchObject({ approval: { state: "approved", decided_by: null } });
      expect(first[2]?.data.post.status, name).toBe("published");

      const second = byPost.get(rejected.id) ?? [];
      expect(
        second.map((e) => [e.type, e.data.sequence]),
        `${name}: the rejected post's events`,
      ).toEqual([
        ["post.pending_approval", 1],
        ["post.rejected", 2],
      ]);
      expect(second[1]?.data.reason, name).toBe("Off brand: wrong price");
      expect(second[1]?.data.post, name).toMatchObject({
        status: "rejected",
        approval: { state: "rejected", decided_by: null, rejection_reason: "Off brand: wrong price" },
      });
    }

    // Not subscribed to them: the publish alone.
    const others = await received(other);
    expect(
      others.map((d) => (JSON.parse(d.body) as Envelope).type),
      "the endpoint not subscribed",
    ).toEqual(["post.published"]);

    // No member in any body: not the owner who decided, nor their e-mail.
    const bodies = (await received(everything)).map((d) => d.body);
    expect(bodies.filter((body) => body.includes('"type":"post.')).length, "every post event once").toBe(5);
    for (const body of bodies) {
      expect(body, "no user id").not.toMatch(/usr_/);
      expect(body, "no e-mail").not.toContain(t.tenant.ownerEmail);
    }
  });

  it("tells an approval for later as post.approved, then post.scheduled", async () => {
    const t = await approvalTenant();
    const name = receiverName("later");
    await createEndpoint(t.tenant.ownerKey, name, { events: [...APPROVAL_EVENTS, "post.scheduled"] });
    const post = await waitingPost(t);
    const at = new Date(Date.now() + 2 * 3_600_000).toISOString();
    const res = await approve(t.ownerSession, post.id, { scheduled_at: at });
    expect(res.status, await res.clone().text()).toBe(202);
    expect((await json<{ status: string }>(res)).status).toBe("scheduled");

    await deliverAll(t.tenant.tenantId, { clock: testClock(Date.now() + 1000) });
    const events = (await eventsByPost(name)).get(post.id) ?? [];
    expect(events.map((e) => [e.type, e.data.sequence])).toEqual([
      ["post.pending_approval", 1],
      ["post.approved", 2],
      ["post.scheduled", 3],
    ]);
    expect(events[1]?.data.post).toMatchObject({ status: "scheduled", approval: { state: "approved" } });
  });

  it("tells nothing of an approval the window refused: post.approved comes once, when one goes", async () => {
    const t = await approvalTenant({ rate_limits: { linkedin: { limit: 1, window_seconds: 3600 } } });
    const name = receiverName("refused");
    await createEndpoint(t.tenant.ownerKey, name, { events: [...APPROVAL_EVENTS, "post.published"] });
    const post = await waitingPost(t);
    expect((await draft(t, t.tenant.ownerKey, { text: "Took the slot" })).status).toBe(201);
    expect((await approve(t.ownerSession, post.id)).status, "the window is full").toBe(429);
    // An hour on, the window has room: the same approval goes through.
    await advanceObjectClock(t.tenant.tenantId, (await objectNow(t.tenant.tenantId)) + 3_601_000);
    const res = await approve(t.ownerSession, post.id);
    expect(res.status, await res.clone().text()).toBe(201);

    await deliverAll(t.tenant.tenantId, { clock: testClock((await objectNow(t.tenant.tenantId)) + 1000) });
    const events = (await eventsByPost(name)).get(post.id) ?? [];
    expect(events.map((e) => [e.type, e.data.sequence])).toEqual([
      ["post.pending_approval", 1],
      ["post.approved", 2],
      ["post.published", 3],
    ]);
  });
});
