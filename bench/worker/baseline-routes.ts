// Routes that exist only in the benchmarks' entry (bench/worker/index.ts), for
// `npm run bench:publish` (not in the OpenAPI document):
//   GET  /bench/noop          the runtime's ceiling: the app's middleware and nothing else
//   POST /bench/d1-admission  the same publish as POST /v1/posts, but admitted the way the
//                             seed's design has it: a counter row in D1 rate_limits, read,
//                             compared, then incremented, with tokens read from D1 each time

import { composePost } from "../../objects/publishing/compose";
import { windowFor } from "../../objects/publishing/rate-windows";
import { tenantCipher } from "../../src/core/crypto/tenant-cipher";
import { auditStatement } from "../../src/core/db/audit-logs";
import { newId } from "../../src/core/db/ids";
import { parseJson } from "../../src/core/db/json-column";
import { draftRow, insertPublishedPost, savePublishRequest, toPost } from "../../src/core/db/publish-requests";
import { blobBytes, getAccount } from "../../src/core/db/social-accounts";
import { findTenant } from "../../src/core/db/tenants";
import { nowIso } from "../../src/core/db/time";
import { platformAdapter } from "../../src/core/platforms";
import { checkPost } from "../../src/core/platforms/rules";
import { isPending } from "../../src/core/platforms/types";
import { guard } from "../../src/router/auth/guard";
import { createRouter } from "../../src/router/http/app-env";
import { auditActor } from "../../src/router/http/audit";
import { ProblemError } from "../../src/router/http/problem";
import { PostBody } from "../../src/router/http/publishing-schemas";
import { caller } from "../../src/router/http/request-context";

export const benchRoutes = createRouter()
  .get("/bench/noop", (c) => c.json({ ok: true }))
  .use("/bench/d1-admission", ...guard("posts.publish", { action: "post.publish", resource: "post" }))
  .post("/bench/d1-admission", async (c) => {
    const { user, scope } = caller(c);
    const parsed = PostBody.safeParse(await c.req.json());
    if (!parsed.success) throw new ProblemError("validation", parsed.error.message);
    const body = parsed.data;
    const account = await getAccount(scope, body.account_id);
    if (account?.status !== "active") throw new ProblemError("notFound", "No such social account");
    const draft = {
      text: body.text,
      imageUrl: body.image_url ?? null,
      videoUrl: body.video_url ?? null,
      hashtags: body.hashtags,
    };
    const errors = checkPost(account.platform, draft);
    if (errors.length) throw new ProblemError("validation", "invalid post", { errors });

    // The seed's admission: a counter per tenant, platform and day in D1.
    const tenant = await findTenant(c.env.DB, user.tenantId);
    const overrides =
      parseJson<{ rate_limits?: Record<string, { limit?: number }> }>(tenant?.settings, {}).rate_limits ?? {};
    const limit = windowFor(account.platform, overrides[account.platform]).limit;
    const windowStart = `${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`;
    const counted = await scope.db
      .prepare("SELECT request_count FROM rate_limits WHERE tenant_id = ? AND platform = ? AND window_start = ?")
      .bind(scope.tenantId, account.platform, windowStart)
      .first<{ request_count: number }>();
    if ((counted?.request_count ?? 0) >= limit) throw new ProblemError("rateLimited", "window full");
    await scope.db
      .prepare(
        `INSERT INTO rate_limits (tenant_id, platform, window_start, request_count) VALUES (?, ?, ?, 1)
         ON CONFLICT(tenant_id, platform, window_start) DO UPDATE SET request_count = request_count + 1`,
      )
      .bind(scope.tenantId, account.platform, windowStart)
      .run();

    const token = new TextDecoder().decode(
      await tenantCipher(c.env, scope.tenantId, user.tenantKey).decryptBytes(
        "social_accounts",
        "access_token_encrypted",
        account.account_id,
        blobBytes(account.access_token_encrypted),
      ),
    );
    const post = composePost(draft, body.utm_params ?? null);
    const sent = await platformAdapter(c.env, account.platform, new URL(c.req.url).origin).publish(
      token,
      account.platform_user_id,
      post,
    );
    // The baseline publishes text posts: never a processing video.
    if (isPending(sent)) throw new Error("the baseline publishes no video");
    const result = sent;
    const now = nowIso();
    const row = {
      ...draftRow({
        requestId: newId("post"),
        accountId: account.account_id,
        platform: account.platform,
        idempotencyKey: null,
        text: post.text,
        imageUrl: post.imageUrl,
        videoUrl: post.videoUrl,
        hashtags: body.hashtags,
        scheduledAt: null,
        campaignId: body.campaign_id ?? null,
        utmParams: body.utm_params ?? null,
        contentId: null,
        requestedBy: user.userId,
        now,
      }),
      tenant_id: scope.tenantId,
      status: "published" as const,
      platform_post_id: result.platformPostId,
      platform_post_url: result.url,
      published_at: now,
    };
    await scope.db.batch([
      savePublishRequest(scope, row),
      insertPublishedPost(scope, row),
      auditStatement(
        scope.db,
        auditActor(c),
        { action: "post.publish", resourceType: "post", resourceId: row.request_id },
        now,
      ),
    ]);
    return c.json(toPost(row), 201);
  });
