// History planted straight into a tenant's shard, dated relative to a run's day, for
// the retention tests: what the product writes over months, written at once.
import { env } from "cloudflare:workers";
import { newId } from "../../src/core/db/ids";
import { addDays } from "../../src/core/skills/calendar";
import { tenantDb } from "../support/databases";
import { insertAccount, insertPost, insertRow } from "../support/rows";

/** Noon of the day `days` before `asOf`, as the product stamps rows (ISO). */
export function daysBefore(asOf: string, days: number, time = "12:00:00.000"): string {
  return `${addDays(asOf, -days)}T${time}Z`;
}

export async function plantAudit(tenantId: string, timestamp: string, extra: Record<string, unknown> = {}) {
  const row = {
    log_id: newId("auditLog"),
    tenant_id: tenantId,
    user_id: null,
    action: "post.publish",
    resource_type: "post",
    resource_id: newId("post"),
    ip_address: "203.0.113.9",
    user_agent: "retention-test",
    request_id: newId("post"),
    metadata: JSON.stringify({ platform: "linkedin" }),
    success: 1,
    error_message: null,
    timestamp,
    ...extra,
  };
  await insertRow(await tenantDb(tenantId), "audit_logs", row);
  return row;
}

export async function plantRateWindow(tenantId: string, windowStart: string): Promise<void> {
  await insertRow(await tenantDb(tenantId), "rate_limits", {
    tenant_id: tenantId,
    platform: "linkedin",
    window_start: windowStart,
    request_count: 3,
  });
}

/** A published post of the tenant (with an account), published at `publishedAt`. */
export async function plantPost(tenantId: string, publishedAt: string, contentId?: string): Promise<string> {
  const account = await insertAccount(tenantId);
  return insertPost(tenantId, account, { published_at: publishedAt, content_id: contentId ?? null });
}

export async function plantSyncError(postId: string, tenantId: string, createdAt: string, resolvedAt: string | null) {
  const errorId = newId("syncError");
  await insertRow(await tenantDb(tenantId), "analytics_sync_errors", {
    error_id: errorId,
    post_id: postId,
    tenant_id: tenantId,
    platform: "linkedin",
    error_type: "api_error",
    created_at: createdAt,
    resolved_at: resolvedAt,
  });
  return errorId;
}

/** A content candidate with one guard result and one revision event, created at `createdAt`. */
export async function plantContent(tenantId: string, createdAt: string, selected = false): Promise<string> {
  const db = await tenantDb(tenantId);
  const contentId = newId("content");
  await insertRow(db, "generated_content", {
    content_id: contentId,
    tenant_id: tenantId,
    intent_spec: JSON.stringify({ goal: "announce" }),
    content_type: "text",
    text_content: "Rebar delivered next day",
    user_selected: selected ? 1 : 0,
    created_at: createdAt,
  });
  await insertRow(db, "guard_results", {
    result_id: newId("guardResult"),
    request_id: contentId,
    content_id: contentId,
    guard_id: "brand_voice",
    pass: 1,
    created_at: createdAt,
  });
  await insertRow(db, "revision_events", {
    event_id: newId("revision"),
    request_id: contentId,
    tenant_id: tenantId,
    content_id: contentId,
    classification: "preference",
    revision_type: "regenerate",
    created_at: createdAt,
  });
  return contentId;
}

/** A publish request (failed: it never became a post) naming `contentId`. */
export async function plantPublishRequest(tenantId: string, contentId: string, createdAt: string): Promise<void> {
  const account = await insertAccount(tenantId);
  await insertRow(await tenantDb(tenantId), "publish_requests", {
    request_id: newId("post"),
    tenant_id: tenantId,
    account_id: account,
    platform: "linkedin",
    status: "failed",
    text: "Rebar delivered next day",
    content_id: contentId,
    created_at: createdAt,
    updated_at: createdAt,
  });
}

/** The ids a tenant still has in `table` (`id` column; `where` narrows to the tenant). */
export async function idsIn(tenantId: string, table: string, id: string, where = "tenant_id = ?"): Promise<string[]> {
  const { results } = await (await tenantDb(tenantId))
    .prepare(`SELECT ${id} AS id FROM ${table} WHERE ${where} ORDER BY ${id}`)
    .bind(tenantId)
    .all<{ id: string }>();
  return results.map((row) => row.id);
}

/** Decompresses and parses an archived day as an outsider would: gunzip, then one JSON row per line. */
export async function readArchive(bucket: R2Bucket, key: string): Promise<Record<string, unknown>[] | null> {
  const object = await bucket.get(key);
  if (!object) return null;
  const body = object.body.pipeThrough(new DecompressionStream("gzip"));
  const text = await new Response(body).text();
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

export function bucketOf(region: "eu-west" | "us-east" | "ap-southeast"): R2Bucket {
  return { "eu-west": env.ARCHIVE_EU_WEST, "us-east": env.ARCHIVE_US_EAST, "ap-southeast": env.ARCHIVE_AP_SOUTHEAST }[
    region
  ];
}
