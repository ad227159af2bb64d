// Each platform end to end through the HTTP API: connect through OAuth (PKCE for X),
// publish, and find the post at the (sandbox) platform.
import { describe, expect, it } from "vitest";
import { PLATFORMS } from "../../src/core/platforms/types";
import { connectAccount, publishBody, sandbox, sandboxUserOf } from "../support/accounts";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { createTenant } from "../support/tenants";

describe.each(PLATFORMS)("%s", (platform) => {
  it("connects, publishes, and the platform has the post", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, platform);

    const listed = await json<{ data: { id: string; status: string }[] }>(
      await call("/v1/social-accounts", { token: tenant.ownerKey }),
    );
    expect(listed.data).toEqual([expect.objectContaining({ id: account.id, status: "active" })]);

    const res = await call("/v1/posts", {
      token: tenant.ownerKey,
      body: publishBody(account, { hashtags: ["Rebar"] }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const post = await json<{
      id: string;
      status: string;
      platform_post_id: string;
      platform_post_url: string | null;
      text: string;
    }>(res);
    expect(post.status).toBe("published");
    expect(post.text).toMatch(/\n\n#Rebar$/);
    expect(res.headers.get("Location")).toBe(`/v1/posts/${post.id}`);

    const atPlatform = await sandbox(platform).posts(sandboxUserOf(account));
    expect(atPlatform).toHaveLength(1);
    expect(atPlatform[0]?.text).toBe(post.text);

    // Read back at once: the read waits for the post's D1 batch.
    const fetched = await json<{ id: string; platform_post_id: string }>(
      await call(`/v1/posts/${post.id}`, { token: tenant.ownerKey }),
    );
    expect(fetched).toMatchObject({ id: post.id, platform_post_id: post.platform_post_id });
    const stored = await (await tenantDb(tenant.tenantId))
      .prepare("SELECT platform_post_id, text FROM published_posts WHERE post_id = ?")
      .bind(post.id)
      .first<{ platform_post_id: string; text: string }>();
    expect(stored).toEqual({ platform_post_id: post.platform_post_id, text: post.text });
  });
});
