// A tenant with at least one row in every tenant-owned table of its shard, its rows in
// the global database, live state in its TenantObject and vectors in every index: made
// through the API where the API makes the row, planted straight into the shard where a
// row comes from work this test does not run (guard results, benchmarks, conversions'
// attributions, sync errors). Its secrets are known, to be looked for in an export.
import { expect } from "vitest";
import { toBase64 } from "../../src/core/crypto/encoding";
import { brandProfile, CONFIGURATION, knowledgeBody, TEMPLATE } from "../security/own-content";
import { privateSkill } from "../skills/helpers";
import { publishBody } from "../support/accounts";
import { ingest } from "../support/analytics";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { recordsInD1, runTimersNow } from "../support/objects";
import { publishingTenant } from "../support/outcomes";
import { insertRow, uniqueId } from "../support/rows";
import { login } from "../support/tenants";
import { createEndpoint, drainWebhooks, receiverName } from "../webhooks/support";

async function made(token: string, path: string, body: unknown, method = "POST"): Promise<{ id: string }> {
  const res = await call(path, { token, body, method });
  expect(res.status, `${path}: ${await res.clone().text()}`).toBeLessThan(300);
  return res.status === 204 ? { id: "" } : json<{ id: string }>(res);
}

export interface SeededTenant {
  tenantId: string;
  ownerKey: string;
  ownerSession: string;
  /** Values that must never leave: digests, ciphertexts, a session's id. */
  secrets: Record<string, string>;
  scheduledPost: string;
  publishedPosts: string[];
  /** A post waiting for approval, drafted and edited once: two versions. */
  waitingPost: string;
}

export async function seedEveryTable(): Promise<SeededTenant> {
  const { tenant, key, account } = await publishingTenant();
  const owner = tenant.ownerKey;
  const { tenantId } = tenant;
  const db = await tenantDb(tenantId);
  // An endpoint subscribed to every event (webhook_endpoints), made before the posts so
  // their events reach the shard (webhook_events, webhook_deliveries) below.
  const endpoint = await createEndpoint(owner, receiverName("export"));

  // Published posts (publish_requests, published_posts, post_analytics), one scheduled (the object's schedule).
  const publishedPosts: string[] = [];
  for (let i = 0; i < 2; i++) {
    const res = await call("/v1/posts", { token: key, body: publishBody(account) });
    expect(res.status, await res.clone().text()).toBe(201);
    publishedPosts.push((await json<{ id: string }>(res)).id);
  }
  const scheduled = await call("/v1/posts", {
    token: key,
    body: publishBody(account, { scheduled_at: new Date(Date.now() + 86_400_000).toISOString() }),
  });
  expect(scheduled.status, await scheduled.clone().text()).toBe(202);
  const scheduledPost = (await json<{ id: string }>(scheduled)).id;
  // A post drafted through the MCP server waits for an approver, its draft kept as a
  // revision (revision_events, a post's row), and is edited once.
  const waiting = await call("/v1/posts", {
    token: key,
    headers: { "X-Dify-Drafted-Via": "mcp" },
    body: publishBody(account),
  });
  expect(waiting.status, await waiting.clone().text()).toBe(202);
  const waitingPost = (await json<{ id: string }>(waiting)).id;
  await made(owner, `/v1/posts/${waitingPost}`, { text: "Beams on site by eight" }, "PATCH");
  await recordsInD1(tenantId);
  await drainWebhooks(tenantId);
  // Live counters in the object.
  const events = await ingest(owner, [{ post_id: publishedPosts[0], type: "delta", metrics: { likes: 3 } }]);
  expect(events.status, await events.clone().text()).toBe(200);

  // Content, brand and knowledge through the API (the brand voice and knowledge vectors too).
  await made(owner, "/v1/brand-profile", brandProfile(), "PUT");
  const template = await made(owner, "/v1/templates", TEMPLATE);
  await made(owner, "/v1/post-configurations", CONFIGURATION);
  await made(owner, "/v1/knowledge", knowledgeBody());
  const content = await made(owner, "/v1/content", {
    intent_spec: {},
    content_type: "text",
    text_content: "Rebar, next day",
    template_id: template.id,
  });
  await privateSkill(tenant);

  // What this test does not run the work for, planted.
  const [postA, postB] = publishedPosts as [string, string];
  const conversion = uniqueId("cnv");
  await insertRow(db, "revision_events", {
    event_id: uniqueId("rev"),
    request_id: "req-1",
    tenant_id: tenantId,
    content_id: content.id,
    classification: "preference",
    revision_type: "approved",
  });
  await insertRow(db, "guard_results", {
    result_id: uniqueId("grd"),
    request_id: "req-1",
    content_id: content.id,
    guard_id: "length",
    pass: 1,
  });
  await insertRow(db, "rate_limits", {
    tenant_id: tenantId,
    platform: "linkedin",
    window_start: new Date().toISOString(),
    request_count: 2,
  });
  await insertRow(db, "performance_benchmarks", {
    benchmark_id: uniqueId("bm"),
    tenant_id: tenantId,
    platform: "linkedin",
  });
  await insertRow(db, "ab_tests", {
    test_id: uniqueId("abt"),
    tenant_id: tenantId,
    test_name: "Hook",
    test_type: "content",
    variant_a_post_id: postA,
    variant_b_post_id: postB,
    created_by: tenant.ownerId,
  });
  await insertRow(db, "conversions", {
    conversion_id: conversion,
    post_id: postA,
    tenant_id: tenantId,
    conversion_type: "purchase",
    value: 12.5,
  });
  await insertRow(db, "conversion_attributions", {
    conversion_id: conversion,
    tenant_id: tenantId,
    model: "linear",
    touch_id: conversion,
    post_id: postA,
    touched_at: new Date().toISOString(),
    position: 0,
    weight: 1,
  });
  await insertRow(db, "analytics_sync_errors", {
    error_id: uniqueId("se"),
    post_id: postA,
    tenant_id: tenantId,
    platform: "linkedin",
  });
  // An erased person's archive job still running: its e-mail sealed as the product seals it.
  const sealedEmail = `enc1:${toBase64(crypto.getRandomValues(new Uint8Array(48)))}`;
  const erasedAt = new Date().toISOString();
  await insertRow(db, "person_erasures", {
    tenant_id: tenantId,
    user_id: uniqueId("usr"),
    pseudonym: `erased_${"0".repeat(26)}`,
    email_encrypted: sealedEmail,
    erased_at: erasedAt,
    confirm_after: erasedAt,
    updated_at: erasedAt,
  });
  // Signed in before the second factor below is planted (it would ask for a code).
  const ownerSession = await login(tenantId, tenant.ownerEmail);
  // A second factor's secret (ciphertext as the product stores it: "enc1:<base64>").
  const mfaSecret = `enc1:${toBase64(crypto.getRandomValues(new Uint8Array(48)))}`;
  await db
    .prepare("UPDATE users SET mfa_enabled = 1, mfa_secret = ? WHERE user_id = ?")
    .bind(mfaSecret, tenant.ownerId)
    .run();
  // The object's usage buckets reach rate_limits on their own timer.
  await runTimersNow(tenantId, ["flush-usage"]);

  const jti = (
    JSON.parse(atob((ownerSession.split(".")[1] as string).replace(/-/g, "+").replace(/_/g, "/"))) as {
      jti: string;
    }
  ).jti;
  const secrets: Record<string, string> = {
    "session id": jti,
    "users.mfa_secret": mfaSecret,
    "person_erasures.email_encrypted": sealedEmail,
    "a webhook endpoint's signing secret": endpoint.secret,
  };
  const users = await db
    .prepare("SELECT user_id, password_hash FROM users WHERE tenant_id = ?")
    .bind(tenantId)
    .all<{ user_id: string; password_hash: string }>();
  for (const row of users.results) secrets[`password_hash of ${row.user_id}`] = row.password_hash;
  const keys = await db
    .prepare("SELECT key_id, key_hash FROM api_keys WHERE tenant_id = ?")
    .bind(tenantId)
    .all<{ key_id: string; key_hash: string }>();
  for (const row of keys.results) secrets[`key_hash of ${row.key_id}`] = row.key_hash;
  const tokens = await db
    .prepare("SELECT access_token_encrypted, refresh_token_encrypted FROM social_accounts WHERE tenant_id = ?")
    .bind(tenantId)
    .all<{ access_token_encrypted: number[]; refresh_token_encrypted: number[] | null }>();
  for (const [i, row] of tokens.results.entries()) {
    secrets[`access token ${i}`] = toBase64(Uint8Array.from(row.access_token_encrypted));
    if (row.refresh_token_encrypted)
      secrets[`refresh token ${i}`] = toBase64(Uint8Array.from(row.refresh_token_encrypted));
  }
  const profile = await db
    .prepare("SELECT embeddings FROM brand_profiles WHERE tenant_id = ?")
    .bind(tenantId)
    .first<{ embeddings: number[] }>();
  if (profile) secrets["brand_profiles.embeddings"] = toBase64(Uint8Array.from(profile.embeddings));
  const sealed = await db
    .prepare("SELECT secret_encrypted FROM webhook_endpoints WHERE tenant_id = ?")
    .bind(tenantId)
    .first<{ secret_encrypted: string }>();
  if (sealed) secrets["webhook_endpoints.secret_encrypted"] = sealed.secret_encrypted;
  return { tenantId, ownerKey: owner, ownerSession, secrets, scheduledPost, publishedPosts, waitingPost };
}
