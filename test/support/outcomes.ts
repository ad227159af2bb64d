// How a post ended up, everywhere at once: the status a client reads, D1's rows, and
// the sandbox's own record of what it received. For the fault matrix (test/faults).
import { expect } from "vitest";
import { type ConnectedAccount, connectAccount, sandbox, sandboxUserOf } from "./accounts";
import { call, json } from "./http";
import { d1Counts } from "./post-records";
import { createOwnerKey, createTenant } from "./tenants";

export type Outcome = "published" | "unknown";

/** A text no other post has, to find the post at the sandbox. */
export function uniqueText(label: string): string {
  return `${label} ${crypto.randomUUID()}`;
}

/** A tenant with a publishing key and a connected LinkedIn account. */
export async function publishingTenant() {
  const tenant = await createTenant();
  const { key } = await createOwnerKey(tenant, { scopes: ["publish", "read:posts"], rate_limit_per_hour: 10_000 });
  const account = await connectAccount(tenant.ownerKey, "linkedin");
  return { tenant, key, account };
}

/** How often the sandbox received a post with this text. */
export async function received(account: ConnectedAccount, text: string): Promise<number> {
  const posts = await sandbox(account.platform).posts(sandboxUserOf(account));
  return posts.filter((post) => post.text.includes(text)).length;
}

/** The post's status as a client reads it (GET /v1/posts/{id}). */
export async function statusOf(key: string, id: string): Promise<string> {
  const res = await call(`/v1/posts/${id}`, { token: key });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await json<{ status: string }>(res)).status;
}

/**
 * Checks a post's final state: its status; one request row, one audit row, and a
 * published_posts and post_analytics row when published (in the tenant's shard); the
 * platform got it exactly once when published, at most once when unknown. How often
 * the platform got it.
 */
export async function expectSettled(
  tenantId: string,
  key: string,
  account: ConnectedAccount,
  id: string,
  text: string,
  outcome: Outcome,
): Promise<number> {
  expect(await statusOf(key, id)).toBe(outcome);
  const published = outcome === "published" ? 1 : 0;
  expect(await d1Counts(tenantId, [id])).toEqual({ requests: 1, posts: published, analytics: published, audits: 1 });
  const got = await received(account, text);
  if (outcome === "published") expect(got).toBe(1);
  else expect(got).toBeLessThanOrEqual(1);
  return got;
}
