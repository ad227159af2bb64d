// Idempotency-Key: a repeat gets the first answer and calls no platform; an unknown
// outcome is reported, never retried blindly.
import { describe, expect, it } from "vitest";
import { connectAccount, publishBody, sandbox, sandboxUserOf } from "../support/accounts";
import { call, json } from "../support/http";
import { createTenant } from "../support/tenants";

describe("Idempotency-Key", () => {
  it("a repeated key returns the first result and publishes nothing more", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "facebook");
    const body = publishBody(account);
    const headers = { "Idempotency-Key": "launch-2026-11-25" };
    const first = await call("/v1/posts", { token: tenant.ownerKey, body, headers });
    expect(first.status).toBe(201);
    const again = await call("/v1/posts", { token: tenant.ownerKey, body, headers });
    expect(again.status).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await again.json()).toEqual(await first.json());
    expect((await sandbox("facebook").counters(sandboxUserOf(account))).publish).toBe(1);
  });

  it("20 concurrent requests with one key publish once", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    const body = publishBody(account);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        call("/v1/posts", { token: tenant.ownerKey, body, headers: { "Idempotency-Key": "same" } }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    // One publishes; the rest are either told it is in flight (409) or replayed (201).
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    statuses.forEach((status, i) => {
      expect([201, 409], `request ${i}`).toContain(status);
    });
    const ids = new Set(
      await Promise.all(
        responses.filter((r) => r.status === 201).map(async (r) => ((await r.json()) as { id: string }).id),
      ),
    );
    expect(ids.size).toBe(1);
    expect((await sandbox("linkedin").counters(sandboxUserOf(account))).publish).toBe(1);
  });

  it("a key reused for another request is refused (422) and publishes nothing", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    const headers = { "Idempotency-Key": "k-1" };
    expect((await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account), headers })).status).toBe(201);
    const other = await call("/v1/posts", {
      token: tenant.ownerKey,
      body: publishBody(account, { text: "something else" }),
      headers,
    });
    expect(other.status).toBe(422);
    expect((await json<{ type: string }>(other)).type).toBe("/problems/idempotency-mismatch");
    expect((await sandbox("linkedin").counters(sandboxUserOf(account))).publish).toBe(1);
  });

  it("a key whose request failed before anything happened can be retried", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    // The image's upload fails (a 5xx of the post's own creation would be an unknown
    // outcome: docs/publishing.md, Reconciliation): nothing was published.
    await sandbox("linkedin").addFault({ kind: "error_500", endpoint: "media", user_id: sandboxUserOf(account) });
    const body = publishBody(account, { image_url: "https://cdn.example.com/retry-me.jpg" });
    const headers = { "Idempotency-Key": "retry-me" };
    const failed = await call("/v1/posts", { token: tenant.ownerKey, body, headers });
    expect(failed.status).toBe(503);
    expect(failed.headers.get("Retry-After")).not.toBeNull();
    const retried = await call("/v1/posts", { token: tenant.ownerKey, body, headers });
    expect(retried.status).toBe(201);
    expect(await sandbox("linkedin").posts(sandboxUserOf(account))).toHaveLength(1);
  });
});

describe("an unknown outcome", () => {
  it("is marked and reported (202, status unknown), and never retried", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "twitter");
    const user = sandboxUserOf(account);
    // The platform publishes, but answers only after our deadline.
    await sandbox("twitter").addFault({ kind: "hang", endpoint: "publish", user_id: user, params: { ms: 6000 } });
    const body = publishBody(account);
    const headers = { "Idempotency-Key": "slow-one" };
    const res = await call("/v1/posts", { token: tenant.ownerKey, body, headers });
    expect(res.status).toBe(202);
    const post = await json<{ id: string; status: string; error: { type: string } }>(res);
    expect(post).toMatchObject({ status: "unknown", error: { type: "outcome_unknown" } });
    const again = await call("/v1/posts", { token: tenant.ownerKey, body, headers });
    expect(again.status).toBe(202);
    expect((await json<{ id: string }>(again)).id).toBe(post.id);
    expect((await sandbox("twitter").counters(user)).publish).toBe(1);
    const listed = await json<{ data: { id: string; status: string }[] }>(
      await call("/v1/posts?status=unknown", { token: tenant.ownerKey }),
    );
    expect(listed.data.map((p) => p.id)).toEqual([post.id]);
  });
});
