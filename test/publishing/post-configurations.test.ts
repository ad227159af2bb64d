// Post configurations at publish (docs/publishing.md, Post configurations and best
// times): each rule, the default and an explicit configuration, another tenant's, the
// gates checked again when a scheduled post fires, nothing sent on any refusal, and
// use_count exact under a hundred concurrent publishes.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { countConfigurationUses } from "../../src/core/db/post-configurations";
import { tenantScope } from "../../src/core/db/tenant-scope";
import { type ConnectedAccount, connectAccount, publishBody, sandbox, sandboxUserOf } from "../support/accounts";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { makeDue, recordsInD1, runTimersNow } from "../support/objects";
import { callAt } from "../support/router-clock";
import { createOwnerKey, createTenant, type TestTenant } from "../support/tenants";

interface Configuration {
  id: string;
  use_count: number;
  last_used_at: string | null;
}

interface Problem {
  type: string;
  status: number;
  detail: string;
  rule?: string;
  configuration_id?: string;
  errors?: { field: string; message: string }[];
  [extension: string]: unknown;
}

interface Post {
  id: string;
  status: string;
  text: string;
  error: { type: string; message: string | null } | null;
}

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

async function configure(tenant: TestTenant, body: Record<string, unknown>): Promise<Configuration> {
  const res = await call("/v1/post-configurations", {
    token: tenant.ownerKey,
    body: { name: "House rules", platforms: ["linkedin", "twitter", "facebook", "instagram"], ...body },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return json<Configuration>(res);
}

async function configuration(tenant: TestTenant, id: string): Promise<Configuration> {
  return json<Configuration>(await call(`/v1/post-configurations/${id}`, { token: tenant.ownerKey }));
}

/** Generated content with a brand-voice score and, optionally, a generator's guard summary. */
async function content(tenant: TestTenant, fields: Record<string, unknown> = {}): Promise<string> {
  const res = await call("/v1/content", {
    token: tenant.ownerKey,
    body: { intent_spec: { task: "post" }, content_type: "text", text_content: "Rebar, next day", ...fields },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await json<{ id: string }>(res)).id;
}

/** A guard run on content, at a time the test picks (the latest result of each guard counts). */
async function guardRun(tenant: TestTenant, contentId: string, atMs: number, results: Record<string, boolean>) {
  const res = await callAt(atMs, `/v1/content/${contentId}/guards`, {
    token: tenant.ownerKey,
    body: { results: Object.entries(results).map(([guard_id, pass]) => ({ guard_id, pass })) },
  });
  expect(res.status, await res.clone().text()).toBe(201);
}

function publish(tenant: TestTenant, account: ConnectedAccount, extra: Record<string, unknown> = {}) {
  return call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account, extra) });
}

async function expectProblem(res: Response, status: number, type: string): Promise<Problem> {
  expect(res.status, await res.clone().text()).toBe(status);
  expect(res.headers.get("Content-Type")).toContain("application/problem+json");
  const problem = await json<Problem>(res);
  expect(problem.type).toBe(type);
  return problem;
}

async function sent(account: ConnectedAccount): Promise<string[]> {
  return (await sandbox(account.platform).posts(sandboxUserOf(account))).map((post) => post.text);
}

describe("post configurations at publish", () => {
  it("limit the platforms a post may go to: 422 platform-not-allowed naming the rule, nothing sent", async () => {
    const tenant = await createTenant();
    const linkedin = await connectAccount(tenant.ownerKey, "linkedin");
    const twitter = await connectAccount(tenant.ownerKey, "twitter");
    const config = await configure(tenant, { platforms: ["twitter"] });
    const problem = await expectProblem(await publish(tenant, linkedin), 422, "/problems/platform-not-allowed");
    expect(problem).toMatchObject({
      rule: "platforms",
      configuration_id: config.id,
      platform: "linkedin",
      allowed_platforms: ["twitter"],
    });
    expect(await sent(linkedin)).toEqual([]);
    expect((await sandbox("linkedin").counters(sandboxUserOf(linkedin))).publish ?? 0).toBe(0);
    expect((await publish(tenant, twitter)).status).toBe(201);
    // A scheduled post is refused when it is scheduled, not later.
    const later = await publish(tenant, linkedin, { scheduled_at: inAnHour() });
    await expectProblem(later, 422, "/problems/platform-not-allowed");
    const { data } = await json<{ data: { account_id: string }[] }>(
      await call(`/v1/posts?account_id=${linkedin.id}`, { token: tenant.ownerKey }),
    );
    expect(data).toEqual([]);
    // The refusal is in the tenant's trail.
    const audit = await (await tenantDb(tenant.tenantId))
      .prepare("SELECT error_message FROM audit_logs WHERE tenant_id = ? AND action = 'post.publish' AND success = 0")
      .bind(tenant.tenantId)
      .all<{ error_message: string }>();
    expect(audit.results.map((row) => row.error_message)).toEqual([
      expect.stringContaining("422"),
      expect.stringContaining("422"),
    ]);
  });

  it("cap the hashtags per platform: 400 naming hashtags, nothing sent; within the cap it goes out", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    await configure(tenant, { max_hashtags_per_platform: { linkedin: 2, twitter: 5 } });
    const over = await expectProblem(
      await publish(tenant, account, { hashtags: ["Steel", "Rebar", "NextDay"] }),
      400,
      "/problems/validation",
    );
    expect(over.errors?.map((e) => e.field)).toEqual(["hashtags"]);
    expect(over.errors?.[0]?.message).toContain("at most 2 hashtags");
    // Hashtags written in the text count too.
    const inText = await publish(tenant, account, { text: "Steel #Rebar #Mesh", hashtags: ["Steel"] });
    expect((await json<Problem>(inText)).errors?.map((e) => e.field)).toEqual(["hashtags"]);
    expect(await sent(account)).toEqual([]);
    const within = await publish(tenant, account, { text: "Two tags", hashtags: ["Steel", "Rebar"] });
    expect(within.status, await within.clone().text()).toBe(201);
    expect(await sent(account)).toEqual(["Two tags\n\n#Steel #Rebar"]);
  });

  it("append the call to action when the text lacks it, once, and refuse a text it makes too long (400 on text)", async () => {
    const tenant = await createTenant();
    const twitter = await connectAccount(tenant.ownerKey, "twitter");
    await configure(tenant, { include_cta: true, cta_default: "Order today at nextdaysteel.example" });
    const plain = await publish(tenant, twitter, { text: "Rebar in stock", hashtags: ["Steel"] });
    expect(plain.status, await plain.clone().text()).toBe(201);
    expect((await json<Post>(plain)).text).toBe("Rebar in stock\n\nOrder today at nextdaysteel.example\n\n#Steel");
    // Already there (in any case): not appended again.
    const already = await publish(tenant, twitter, { text: "Mesh too. ORDER TODAY AT NEXTDAYSTEEL.EXAMPLE" });
    expect((await json<Post>(already)).text).toBe("Mesh too. ORDER TODAY AT NEXTDAYSTEEL.EXAMPLE");
    // 260 characters fit X's 280; with the call to action they do not.
    const long = await publish(tenant, twitter, { text: "x".repeat(260) });
    const problem = await expectProblem(long, 400, "/problems/validation");
    expect(problem.errors?.map((e) => e.field)).toEqual(["text"]);
    expect(problem.errors?.[0]?.message).toContain("call to action");
    expect(await sent(twitter)).toEqual([
      "Rebar in stock\n\nOrder today at nextdaysteel.example\n\n#Steel",
      "Mesh too. ORDER TODAY AT NEXTDAYSTEEL.EXAMPLE",
    ]);
  });

  it("require the named content's latest guard results to have passed (422 guard-not-passed)", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "facebook");
    const config = await configure(tenant, { require_guard_pass: true, min_brand_voice_score: 0 });
    const unguarded = await content(tenant);
    const refusedBare = await expectProblem(
      await publish(tenant, account, { content_id: unguarded }),
      422,
      "/problems/guard-not-passed",
    );
    expect(refusedBare).toMatchObject({ rule: "require_guard_pass", content_id: unguarded, failing_guards: [] });

    const guarded = await content(tenant);
    const t0 = Date.now();
    await guardRun(tenant, guarded, t0, { contrast: true, safe_margin: false });
    const failing = await expectProblem(
      await publish(tenant, account, { content_id: guarded }),
      422,
      "/problems/guard-not-passed",
    );
    expect(failing).toMatchObject({
      rule: "require_guard_pass",
      configuration_id: config.id,
      failing_guards: ["safe_margin"],
    });
    expect(await sent(account)).toEqual([]);
    // The failing guard run again after a fix: its latest verdict counts.
    await guardRun(tenant, guarded, t0 + 1000, { safe_margin: true });
    expect((await publish(tenant, account, { content_id: guarded, text: "Fixed" })).status).toBe(201);
    // A generator's own summary counts when no results are recorded.
    const summarised = await content(tenant, { guards_passed: 3, guards_failed: 0 });
    expect((await publish(tenant, account, { content_id: summarised, text: "Summarised" })).status).toBe(201);
    expect(await sent(account)).toEqual(["Fixed", "Summarised"]);
  });

  it("require the named content's brand-voice score at or above the minimum (422 brand-voice-too-low)", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    await configure(tenant, { require_guard_pass: false, min_brand_voice_score: 0.8 });
    for (const [score, label] of [
      [0.79, "below"],
      [null, "unscored"],
    ] as const) {
      const id = await content(tenant, score === null ? {} : { brand_voice_score: score });
      const problem = await expectProblem(
        await publish(tenant, account, { content_id: id }),
        422,
        "/problems/brand-voice-too-low",
      );
      expect(problem, label).toMatchObject({
        rule: "min_brand_voice_score",
        brand_voice_score: score,
        min_brand_voice_score: 0.8,
      });
    }
    const atThreshold = await content(tenant, { brand_voice_score: 0.8 });
    expect((await publish(tenant, account, { content_id: atThreshold, text: "On voice" })).status).toBe(201);
    // A post naming no content has no content to gate.
    expect((await publish(tenant, account, { text: "Plain" })).status).toBe(201);
    expect(await sent(account)).toEqual(["On voice", "Plain"]);
  });

  it("apply the default configuration without configuration_id, and the one named with it", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    const strict = await configure(tenant, { platforms: ["twitter"] });
    const open = await configure(tenant, { platforms: ["linkedin"], cta_default: "Call us" });
    await expectProblem(await publish(tenant, account), 422, "/problems/platform-not-allowed");
    const named = await publish(tenant, account, { text: "Named", configuration_id: open.id });
    expect(named.status, await named.clone().text()).toBe(201);
    expect((await json<Post>(named)).text).toBe("Named\n\nCall us");
    // Made the default, the other one applies without naming it.
    await call(`/v1/post-configurations/${open.id}`, {
      method: "PATCH",
      token: tenant.ownerKey,
      body: { is_default: true },
    });
    expect((await publish(tenant, account, { text: "Default" })).status).toBe(201);
    await expectProblem(
      await publish(tenant, account, { configuration_id: strict.id }),
      422,
      "/problems/platform-not-allowed",
    );
    // An archived configuration cannot be named.
    await call(`/v1/post-configurations/${strict.id}`, {
      method: "PATCH",
      token: tenant.ownerKey,
      body: { status: "archived" },
    });
    const archived = await expectProblem(
      await publish(tenant, account, { configuration_id: strict.id }),
      400,
      "/problems/validation",
    );
    expect(archived.errors).toEqual([expect.objectContaining({ field: "configuration_id" })]);
    expect(await sent(account)).toEqual(["Named\n\nCall us", "Default\n\nCall us"]);
  });

  it("answer another tenant's configuration as an unknown one: 400 naming configuration_id, nothing sent", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    const theirs = await configure(other, { platforms: ["linkedin"] });
    const foreign = await publish(tenant, account, { text: "Same", configuration_id: theirs.id });
    const unknown = await publish(tenant, account, { text: "Same", configuration_id: `cfg_${"0".repeat(26)}` });
    const [a, b] = [await expectProblem(foreign, 400, "/problems/validation"), await json<Problem>(unknown)];
    expect(b.status).toBe(400);
    expect(a.errors).toEqual([{ in: "body", field: "configuration_id", message: "No such post configuration" }]);
    expect(b.errors).toEqual(a.errors);
    expect(a.detail).toBe(b.detail);
    expect(await sent(account)).toEqual([]);
    expect((await configuration(other, theirs.id)).use_count).toBe(0);
  });

  it("check a scheduled post's gates again when it fires: a gate failed meanwhile sends nothing", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    await configure(tenant, { require_guard_pass: true, min_brand_voice_score: 0.5, cta_default: "Call us" });
    const passing = await content(tenant, { brand_voice_score: 0.9 });
    const t0 = Date.now();
    await guardRun(tenant, passing, t0, { contrast: true });
    const kept = await json<Post>(
      await publish(tenant, account, { text: "Kept", content_id: passing, scheduled_at: inAnHour() }),
    );
    const other = await content(tenant, { brand_voice_score: 0.9 });
    await guardRun(tenant, other, t0, { contrast: true });
    const gated = await json<Post>(
      await publish(tenant, account, { text: "Gated", content_id: other, scheduled_at: inAnHour() }),
    );
    expect([kept.status, gated.status]).toEqual(["scheduled", "scheduled"]);
    expect(kept.text).toBe("Kept\n\nCall us");
    // Before they fire, a guard of the second fails again.
    await guardRun(tenant, other, t0 + 1000, { contrast: false });
    await makeDue(tenant.tenantId, kept.id);
    await makeDue(tenant.tenantId, gated.id);
    await runTimersNow(tenant.tenantId, ["publish-due"]);
    // Sent as scheduled: the call to action appended once, when it was scheduled.
    expect(await sent(account)).toEqual(["Kept\n\nCall us"]);
    const fired = await json<Post>(await call(`/v1/posts/${gated.id}`, { token: tenant.ownerKey }));
    expect(fired.status).toBe("failed");
    expect(fired.error?.message).toContain("requires content that passed its guards");
    const published = await json<Post>(await call(`/v1/posts/${kept.id}`, { token: tenant.ownerKey }));
    expect(published.status).toBe("published");
  });

  it("count use_count exactly under a hundred concurrent publishes: each post made counts once, a refused one not", async () => {
    const tenant = await createTenant();
    const { key } = await createOwnerKey(tenant, { scopes: ["publish", "read:posts"], rate_limit_per_hour: 10_000 });
    // Facebook: 200 calls an hour, room for the hundred and a scheduled one fired after them.
    const account = await connectAccount(tenant.ownerKey, "facebook");
    const config = await configure(tenant, { max_hashtags_per_platform: { facebook: 1 } });
    const requests = Array.from({ length: 130 }, (_, i) => {
      const extra =
        i < 100
          ? { text: `Now ${i}` }
          : i < 115
            ? { text: `Later ${i}`, scheduled_at: inAnHour() }
            : { text: `Refused ${i}`, hashtags: ["Two", "Tags"] };
      return call("/v1/posts", { token: key, body: publishBody(account, extra) });
    });
    const responses = await Promise.all(requests);
    responses.forEach((res, i) => {
      expect(res.status, `request ${i}`).toBe(i < 100 ? 201 : i < 115 ? 202 : 400);
    });
    await recordsInD1(tenant.tenantId);
    const counted = await configuration(tenant, config.id);
    expect(counted.use_count).toBe(115);
    expect(counted.last_used_at).not.toBeNull();
    expect(await sent(account)).toHaveLength(100);
    // The scheduled posts fired count nothing more: they counted when they were scheduled.
    await runTimersNow(tenant.tenantId, ["publish-due"]);
    await recordsInD1(tenant.tenantId);
    expect(await sent(account)).toHaveLength(115);
    expect((await configuration(tenant, config.id)).use_count).toBe(115);
    // A batch D1 is given again (an outbox repeated after a reset) counts nothing twice.
    const scope = await tenantScope(env, tenant.tenantId);
    const again = responses.slice(0, 3).map(async (res) => ({
      postId: (await json<Post>(res)).id,
      configId: config.id,
      at: new Date().toISOString(),
    }));
    await scope.db.batch([countConfigurationUses(scope, await Promise.all(again))]);
    expect((await configuration(tenant, config.id)).use_count).toBe(115);
  });
});
