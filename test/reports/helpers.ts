// Fixtures of the report tests: a tenant with a connected account, posts published
// through the API, and the analytics rows the flush would write (inserted straight
// into the tenant's shard with bound parameters, since the flush is not what these
// tests are about).
import { expect } from "vitest";
import { type ConnectedAccount, connectAccount, publishBody } from "../support/accounts";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { recordsInD1 } from "../support/objects";
import { createTenant, type TestTenant } from "../support/tenants";

export interface ReportTenant extends TestTenant {
  account: ConnectedAccount;
}

export async function reportTenant(): Promise<ReportTenant> {
  const tenant = await createTenant();
  return { ...tenant, account: await connectAccount(tenant.ownerKey, "linkedin") };
}

/**
 * A post published through the API, and in D1 (its id is also its
 * published_posts.post_id): these fixtures write D1 rows that reference it.
 */
export async function publish(tenant: ReportTenant, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(tenant.account, extra) });
  expect(res.status, await res.clone().text()).toBe(201);
  const { id } = await json<{ id: string }>(res);
  await recordsInD1(tenant.tenantId);
  return id;
}

export interface AnalyticsFigures {
  likes?: number;
  comments?: number;
  shares?: number;
  clicks?: number;
  impressions?: number;
  reach?: number;
  viral_coefficient?: number | null;
  engagement_rate?: number | null;
}

let sequence = 0;

/** Writes (or overwrites) a post's post_analytics row, as the flush upserts it. */
export async function setAnalytics(tenantId: string, postId: string, figures: AnalyticsFigures): Promise<void> {
  sequence += 1;
  const f = {
    likes: 0,
    comments: 0,
    shares: 0,
    clicks: 0,
    impressions: 0,
    reach: 0,
    viral_coefficient: null,
    engagement_rate: null,
    ...figures,
  };
  await (await tenantDb(tenantId))
    .prepare(
      `INSERT INTO post_analytics (analytics_id, post_id, tenant_id, platform, likes, comments, shares, clicks,
       impressions, reach, viral_coefficient, engagement_rate)
     SELECT ?, post_id, tenant_id, platform, ?, ?, ?, ?, ?, ?, ?, ? FROM published_posts WHERE post_id = ? AND tenant_id = ?
     ON CONFLICT(post_id) DO UPDATE SET likes = excluded.likes, comments = excluded.comments,
       shares = excluded.shares, clicks = excluded.clicks, impressions = excluded.impressions,
       reach = excluded.reach, viral_coefficient = excluded.viral_coefficient,
       engagement_rate = excluded.engagement_rate`,
    )
    .bind(
      `pa_${Date.now().toString(36)}_${sequence}`,
      f.likes,
      f.comments,
      f.shares,
      f.clicks,
      f.impressions,
      f.reach,
      f.viral_coefficient,
      f.engagement_rate,
      postId,
      tenantId,
    )
    .run();
}

/** Moves a post's publication into the past (the API only publishes now). */
export async function publishedDaysAgo(tenantId: string, postId: string, days: number): Promise<void> {
  await (await tenantDb(tenantId))
    .prepare("UPDATE published_posts SET published_at = ? WHERE post_id = ?")
    .bind(new Date(Date.now() - days * 86_400_000).toISOString(), postId)
    .run();
}

export async function auditRows(tenantId: string, action: string): Promise<{ success: number; resource_id: string }[]> {
  const { results } = await (await tenantDb(tenantId))
    .prepare("SELECT success, resource_id FROM audit_logs WHERE tenant_id = ? AND action = ? ORDER BY timestamp")
    .bind(tenantId, action)
    .all<{ success: number; resource_id: string }>();
  return results;
}

export async function problemOf(res: Response, status: number): Promise<Record<string, unknown>> {
  expect(res.status, await res.clone().text()).toBe(status);
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  return json(res);
}

export function fieldsOf(problem: Record<string, unknown>): string[] {
  return ((problem.errors ?? []) as { field: string }[]).map((e) => e.field);
}
