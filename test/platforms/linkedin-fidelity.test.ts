// LinkedIn as documented (learn.microsoft.com, LinkedIn Marketing): a post's commentary
// is little text, and the sandbox cuts it at an unescaped reserved character as
// LinkedIn does; member post statistics come from memberCreatorPostAnalytics, one
// queryType per call, with r_member_postAnalytics (socialMetadata needs r_member_social,
// granted to select developers only).

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { platformConfig } from "../../src/core/platforms/config";
import { linkedInScopes } from "../../src/core/platforms/linkedin";
import { memberQueryTypes } from "../../src/core/platforms/linkedin-insights";
import { connectAccount, publishBody, sandbox, sandboxUserOf } from "../support/accounts";
import { age, figures, publishedPosts, pullNow, syncErrors } from "../support/analytics";
import { call, json } from "../support/http";
import { createTenant } from "../support/tenants";

describe("LinkedIn fidelity", () => {
  it("a post containing (, #hashtag, @ and * arrives whole", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    const text = `Rebar (12 mm) for @site_team: *today* only #steel_works. C# ~ [a] <b> {c} | x_y \\ end ${crypto.randomUUID()}`;
    const res = await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account, { text }) });
    expect(res.status, await res.clone().text()).toBe(201);
    const posts = await sandbox("linkedin").posts(sandboxUserOf(account));
    expect(posts.map((p) => p.text)).toEqual([text]);
  });

  it("hashtags given apart are appended and arrive as hashtags", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    const res = await call("/v1/posts", {
      token: tenant.ownerKey,
      body: publishBody(account, { text: "Stock (new)", hashtags: ["steel", "rebar_uk"] }),
    });
    expect(res.status).toBe(201);
    const [post] = await sandbox("linkedin").posts(sandboxUserOf(account));
    expect(post?.text).toBe("Stock (new)\n\n#steel #rebar_uk");
  });

  it("asks for r_member_postAnalytics only with LINKEDIN_POST_ANALYTICS on, never the restricted r_member_social", () => {
    expect(linkedInScopes(true)).toContain("r_member_postAnalytics");
    expect(linkedInScopes(false)).not.toContain("r_member_postAnalytics");
    for (const on of [true, false]) expect(linkedInScopes(on), `on: ${on}`).not.toContain("r_member_social");
  });

  it("member post statistics: one memberCreatorPostAnalytics call per query type and post, figures in D1", async () => {
    const world = await publishedPosts(2, "linkedin");
    await age(world.account, 60);
    await pullNow(world.tenant.tenantId);
    const counters = await sandbox("linkedin").counters(sandboxUserOf(world.account));
    // Five query types, six where the version offers POST_SAVE.
    const version = platformConfig(env, "linkedin").apiVersion as string;
    expect(counters.insights).toBe(2 * memberQueryTypes(version).length);
    for (const postId of world.posts) {
      expect(await syncErrors(world.tenant.tenantId, postId)).toEqual([]);
      const got = await figures(world.key, postId);
      expect(got.impressions).toBeGreaterThan(0);
      expect(got.reach).toBeGreaterThan(0);
      expect(got.reach).toBeLessThanOrEqual(got.impressions);
    }
  });

  it("publishing sends the configured LinkedIn-Version, which the sandbox accepts as active", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    const res = await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account) });
    expect(res.status).toBe(201);
    expect(await json(res)).toMatchObject({ status: "published" });
  });
});
