// The fault matrix, a batch of metric events: the TenantObject is reset right after it
// applied the batch (objects/tenant-object/fault-points.ts, "ingest.applied"), so its
// caller sees the reset while the batch stands. The router's proxy repeats only what the
// contract classifies safe to repeat (REPEAT in objects/tenant-object/contract.ts): a
// batch without an Idempotency-Key is not made again, one with a key is, and in both
// cases the batch counts once.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { mayRetry, retryOnReset, tenantObject } from "../../src/router/objects";
import { ingest, publishedPosts } from "../support/analytics";
import { clearFaults, resetAt } from "../support/faults";
import { json } from "../support/http";

const actor = { tenantId: null, userId: null, ip: null, userAgent: null, requestId: "fault-matrix" };

/** The post's likes as its tenant's object counts them. */
async function likesOf(tenantId: string, postId: string): Promise<number | undefined> {
  const object = await tenantObject(env, tenantId);
  return (await object.postFigures(postId))?.likes;
}

describe("fault matrix: a batch of events, the object reset once it is applied", () => {
  afterEach(clearFaults);

  it("without an Idempotency-Key the proxy does not make the call again: the batch counts once", async () => {
    const world = await publishedPosts(1);
    const [postId] = world.posts as [string];
    const object = await tenantObject(env, world.tenant.tenantId);
    const reset = await resetAt(world.tenant.tenantId, "ingest.applied");
    const ended = await retryOnReset(
      object,
      "ingestEvents",
      [{ postId, type: "delta", metrics: { likes: 3 } }],
      null,
      actor,
    ).then(
      (result) => ({ answered: result }),
      (error: unknown) => ({ error }),
    );
    expect(reset.fired()).toBe(true);
    clearFaults();
    // The runtime said the call may be repeated; the contract said this one may not.
    expect("error" in ended && mayRetry(ended.error), JSON.stringify(ended)).toBe(true);
    expect(reset.hits()).toBe(1);
    expect(await likesOf(world.tenant.tenantId, postId)).toBe(3);
  });

  it("with an Idempotency-Key the router makes it again, and the repeat is recognised", async () => {
    const world = await publishedPosts(1);
    const [postId] = world.posts as [string];
    const reset = await resetAt(world.tenant.tenantId, "ingest.applied");
    const events = [{ post_id: postId, type: "delta", metrics: { likes: 4 } }];
    const res = await ingest(world.key, events, { "Idempotency-Key": "after-a-reset" });
    expect(reset.fired()).toBe(true);
    clearFaults();
    expect(res.status, await res.clone().text()).toBe(200);
    // The first call applied it; the repeat found the key and applied nothing.
    expect(await json(res)).toEqual({ accepted: 1, posts: 0, duplicate: true });
    expect(reset.hits()).toBe(2);
    expect(await likesOf(world.tenant.tenantId, postId)).toBe(4);
  });
});
