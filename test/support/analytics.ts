// Published posts to measure, and events about them, through the API.
import { expect } from "vitest";
import type { Platform } from "../../src/platforms/types";
import { type ConnectedAccount, connectAccount, publishBody } from "./accounts";
import { call } from "./http";
import { recordsInD1 } from "./objects";
import { createOwnerKey, createTenant, type TestTenant } from "./tenants";

export interface AnalyticsWorld {
  tenant: TestTenant;
  /** A key with every analytics and publishing scope and a high hourly limit. */
  key: string;
  account: ConnectedAccount;
  posts: string[];
}

export async function publishedPosts(count: number, platform: Platform = "facebook"): Promise<AnalyticsWorld> {
  const tenant = await createTenant({ settings: { rate_limits: { [platform]: { limit: 100_000 } } } });
  const { key } = await createOwnerKey(tenant, {
    scopes: ["publish", "read:posts", "read:analytics", "write:analytics"],
    rate_limit_per_hour: 100_000,
  });
  const account = await connectAccount(tenant.ownerKey, platform);
  const posts: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await call("/v1/posts", {
      token: key,
      body: publishBody(account, { text: `Measured post ${i} ${crypto.randomUUID()}` }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    posts.push(((await res.json()) as { id: string }).id);
  }
  // The fixtures read and write the posts' D1 rows.
  await recordsInD1(tenant.tenantId);
  return { tenant, key, account, posts };
}

export function ingest(token: string, events: unknown[], headers: Record<string, string> = {}): Promise<Response> {
  return call("/v1/analytics/events", { token, body: { events }, headers });
}
