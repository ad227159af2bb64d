// Published posts to measure, events about them through the API, and the insight
// pulls from the sandbox platforms.
import { runInDurableObject } from "cloudflare:test";
import { expect } from "vitest";
import type { SandboxPlatform } from "../../objects/sandbox-platform";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import type { Platform } from "../../src/core/platforms/types";
import { type ConnectedAccount, connectAccount, publishBody, sandbox, sandboxUserOf } from "./accounts";
import { tenantDb } from "./databases";
import { call, json } from "./http";
import { advanceObjectClock, recordsInD1, runTimersNow, tenantObjectOf } from "./objects";
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

export interface Figures {
  post_id: string;
  impressions: number;
  likes: number;
  reach: number;
}

export interface SyncError {
  error_type: string;
  retry_count: number;
  resolved_at: string | null;
}

/** Moves the account's sandbox posts `minutes` into the past, so their audience grows. */
export async function age(account: ConnectedAccount, minutes: number): Promise<void> {
  const user = sandboxUserOf(account);
  await runInDurableObject(sandbox(account.platform), (_o: SandboxPlatform, state) => {
    state.storage.sql.exec(
      "UPDATE posts SET created_at_ms = created_at_ms - ? WHERE user_id IN (?, ?)",
      minutes * 60_000,
      user,
      `pg${user}`,
    );
  });
}

/** Runs the insight pull with every post due, as if each post's interval had passed. */
export async function pullNow(tenantId: string): Promise<void> {
  const due = await runInDurableObject(
    tenantObjectOf(tenantId),
    (_o: TenantObject, state) =>
      state.storage.sql.exec<{ due: number | null }>("SELECT MAX(next_sync_ms) AS due FROM insight_syncs").one().due,
  );
  if (due !== null) await advanceObjectClock(tenantId, due);
  await runTimersNow(tenantId, ["sync-insights"]);
}

/** A post's live figures, as a client reads them. */
export async function figures(key: string, postId: string): Promise<Figures> {
  const res = await call(`/v1/posts/${postId}/analytics`, { token: key });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<Figures>(res);
}

/** The post's analytics_sync_errors rows (in its tenant's shard), oldest first. */
export async function syncErrors(tenantId: string, postId: string): Promise<SyncError[]> {
  const { results } = await (await tenantDb(tenantId))
    .prepare(
      "SELECT error_type, retry_count, resolved_at FROM analytics_sync_errors WHERE post_id = ? ORDER BY created_at",
    )
    .bind(postId)
    .all<SyncError>();
  return results;
}
