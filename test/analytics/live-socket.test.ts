// The live dashboard socket: only a fresh ticket of the same tenant opens it; it gets
// a snapshot on connect and coalesced updates after every change.
import { runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PUSH_INTERVAL_MS } from "../../objects/analytics/live-push";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { ingest, publishedPosts } from "../support/analytics";
import { call } from "../support/http";
import { type LiveMessage, open, ticketFor, until, upgrade } from "../support/live";
import { tenantObjectOf } from "../support/objects";

/** The chart a dashboard holds after these messages: minutes merged, latest wins. */
function chartTotals(messages: LiveMessage[]): { engagements: number; impressions: number } {
  const minutes = new Map<string, { engagements: number; impressions: number }>();
  for (const m of messages) for (const p of m.series ?? []) minutes.set(p.at, p);
  let engagements = 0;
  let impressions = 0;
  for (const p of minutes.values()) {
    engagements += p.engagements;
    impressions += p.impressions;
  }
  return { engagements, impressions };
}

describe("live socket tickets", () => {
  it("refuses a connection without a ticket", async () => {
    const world = await publishedPosts(1);
    const res = await upgrade(`/parties/tenant-object/${world.tenant.tenantId}`);
    expect(res.status).toBe(401);
    expect(res.headers.get("Content-Type")).toContain("application/problem+json");
  });

  it("opens once per ticket: a second use is refused", async () => {
    const world = await publishedPosts(1);
    const { url } = await ticketFor(world.key);
    const first = await open(url);
    first.socket.close();
    const again = await upgrade(url);
    expect(again.status).toBe(401);
  });

  it("refuses another tenant's ticket at this tenant's object", async () => {
    const mine = await publishedPosts(1);
    const theirs = await publishedPosts(1);
    const { ticket } = await ticketFor(theirs.key);
    const res = await upgrade(`/parties/tenant-object/${mine.tenant.tenantId}?ticket=${encodeURIComponent(ticket)}`);
    expect(res.status).toBe(401);
    // Refused at the wrong door, the ticket is not spent at its own.
    const own = await open(`/parties/tenant-object/${theirs.tenant.tenantId}?ticket=${encodeURIComponent(ticket)}`);
    own.socket.close();
  });

  it("refuses an expired ticket", async () => {
    const world = await publishedPosts(1);
    const { ticket, url } = await ticketFor(world.key);
    await runInDurableObject(tenantObjectOf(world.tenant.tenantId), (_o: TenantObject, state) => {
      state.storage.sql.exec("UPDATE live_tickets SET expires_at_ms = ? WHERE ticket = ?", Date.now() - 1, ticket);
    });
    expect((await upgrade(url)).status).toBe(401);
  });

  it("reaches no other object and no plain HTTP through the parties route", async () => {
    const world = await publishedPosts(1);
    const { ticket } = await ticketFor(world.key);
    const q = `?ticket=${encodeURIComponent(ticket)}`;
    expect((await upgrade(`/parties/sandbox-platform/${world.tenant.tenantId}${q}`)).status).toBe(404);
    expect((await upgrade(`/parties/tenant-object/not-a-tenant${q}`)).status).toBe(404);
    const plain = await exports.default.fetch(
      new Request(`https://api.test/parties/tenant-object/${world.tenant.tenantId}${q}`),
    );
    expect(plain.status).toBe(404);
  });

  it("issues tickets only to a caller with read:analytics", async () => {
    const res = await call("/v1/live/ticket", { method: "POST" });
    expect(res.status).toBe(401);
  });
});

describe("live socket messages", () => {
  it("sends the figures on connect, then an update after events", async () => {
    const world = await publishedPosts(2);
    const [first] = world.posts as [string];
    await ingest(world.key, [{ post_id: first, type: "snapshot", metrics: { likes: 3, impressions: 40 } }]);
    const { socket, messages } = await open((await ticketFor(world.key)).url);
    await until(() => messages.length >= 1, "the snapshot");
    const snapshot = messages[0] as LiveMessage;
    expect(snapshot.type).toBe("snapshot");
    expect(snapshot.posts.find((p) => p.post_id === first)).toMatchObject({ likes: 3, impressions: 40 });
    expect(chartTotals([snapshot])).toEqual({ engagements: 3, impressions: 40 });

    const res = await ingest(world.key, [{ post_id: first, type: "delta", metrics: { likes: 4 } }]);
    expect(res.status).toBe(200);
    const seven = (m: LiveMessage) => m.type === "update" && m.posts.some((p) => p.likes === 7);
    await until(() => messages.some(seven), "an update");
    const update = messages.find(seven) as LiveMessage;
    expect(update.posts).toHaveLength(1);
    expect(update.posts[0]).toMatchObject({ post_id: first, likes: 7, impressions: 40 });
    // The chart gained the 4 likes, not the 7 the post now has.
    expect(chartTotals(messages)).toEqual({ engagements: 7, impressions: 40 });
    socket.close();
  });

  it("a burst of 10,000 events reaches a dashboard as a few messages with the final figures", async () => {
    const world = await publishedPosts(20);
    const { socket, messages } = await open((await ticketFor(world.key)).url);
    await until(() => messages.length >= 1, "the snapshot");
    const batches = Array.from({ length: 10 }, (_, b) =>
      Array.from({ length: 1000 }, (_, i) => ({
        post_id: world.posts[(b * 1000 + i) % world.posts.length],
        type: "delta",
        metrics: { likes: 1 },
      })),
    );
    const started = Date.now();
    const statuses = await Promise.all(batches.map(async (events) => (await ingest(world.key, events)).status));
    statuses.forEach((status, batch) => {
      expect(status, `batch ${batch}`).toBe(200);
    });

    // Each post ends with 500 likes; wait until a dashboard has seen all of them.
    const seen = new Map<string, number>();
    await until(() => {
      for (const m of messages) for (const p of m.posts) seen.set(p.post_id, p.likes);
      return world.posts.every((id) => seen.get(id) === 500);
    }, "the final figures");
    const burstMs = Date.now() - started;
    const updates = messages.filter((m) => m.type === "update").length;
    expect(updates).toBeGreaterThan(0);
    // Coalesced: at most one message per push interval while the burst lasts, not one per event.
    expect(updates).toBeLessThanOrEqual(Math.ceil(burstMs / PUSH_INTERVAL_MS) + 2);
    expect(updates).toBeLessThan(100);
    socket.close();
  });
});
