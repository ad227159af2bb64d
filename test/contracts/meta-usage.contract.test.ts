// Throttling as Graph reports it (Graph API "Rate Limiting"): Page tokens and the
// Instagram Platform are counted by the business use case limit, whose
// x-business-use-case-usage header says, once throttled, in how many minutes calls are
// taken again (estimated_time_to_regain_access). The adapters read it, on their clock,
// beside x-app-usage and x-page-usage; the TenantObject then waits that long: the
// account's window is full until then, and an insight pull waits too, without calling
// the account's other posts. The sandbox sends the header as Graph does.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { FacebookAdapter } from "../../src/core/platforms/facebook";
import { GRAPH_VERSION, graphUsage } from "../../src/core/platforms/graph";
import { InstagramAdapter } from "../../src/core/platforms/instagram";
import { isPending } from "../../src/core/platforms/types";
import { connectAccount, publishBody, sandbox, sandboxUserOf } from "../support/accounts";
import { publishedPosts, pullNow, syncErrors } from "../support/analytics";
import { call } from "../support/http";
import { objectNow, tenantObjectOf } from "../support/objects";
import { createTenant } from "../support/tenants";
import { expectShape, sandboxFetch, sandboxGrant } from "./exchange";
import { businessUsage, clockedConfig, graphAnswer, platformErrorOf, T0 } from "./meta-support";

const MINUTE = 60_000;
const TEXT = { text: "Rebar", imageUrl: null, videoUrl: null };

describe("Graph's usage headers (adapters)", () => {
  it("a throttled Page: rate_limited until estimated_time_to_regain_access, on the adapter's clock", async () => {
    const headers = businessUsage([{ id: "1234", type: "pages", percent: 100, regainMinutes: 17 }]);
    const { config } = clockedConfig("facebook", () => graphAnswer(400, { code: 80001 }, headers));
    const error = await platformErrorOf(new FacebookAdapter(config).publish("ptok", "1234", TEXT));
    expect(error.kind).toBe("rate_limited");
    expect(error.details.resetAtMs).toBe(T0 + 17 * MINUTE);
  });

  it("Instagram's use case too (80002), and the latest regain of several entries wins", async () => {
    const headers = {
      ...businessUsage([
        { id: "1789", type: "instagram", percent: 100, regainMinutes: 5 },
        { id: "1789", type: "instagram", percent: 30, regainMinutes: 12 },
      ]),
      "x-app-usage": JSON.stringify({ call_count: 20, total_cputime: 1, total_time: 1 }),
    };
    const { config } = clockedConfig("instagram", () => graphAnswer(400, { code: 80002 }, headers));
    const error = await platformErrorOf(
      new InstagramAdapter(config).publish("tok", "1789", { ...TEXT, imageUrl: "https://cdn.example.com/a.jpg" }),
    );
    expect(error.kind).toBe("rate_limited");
    expect(error.details.resetAtMs).toBe(T0 + 12 * MINUTE);
  });

  it("throttled with no time to regain: an hour (the rolling window); not throttled: no reset is claimed", async () => {
    expect(
      graphUsage(new Headers(businessUsage([{ id: "p", type: "pages", percent: 100, regainMinutes: 0 }])), T0),
    ).toMatchObject({ throttled: true, remaining: 0, resetAtMs: T0 + 60 * MINUTE });
    const { config } = clockedConfig("facebook", () =>
      graphAnswer(400, { code: 4 }, businessUsage([{ id: "p", type: "pages", percent: 40, regainMinutes: 0 }])),
    );
    const error = await platformErrorOf(new FacebookAdapter(config).publish("ptok", "1234", TEXT));
    expect(error.kind).toBe("rate_limited");
    expect(error.details.resetAtMs).toBeUndefined();
  });

  it("a published post carries the usage as its quota: a share used, or none left until the regain", async () => {
    const answer = (percent: number, regainMinutes: number) =>
      clockedConfig("facebook", () =>
        Response.json(
          { id: "1234_1" },
          { headers: businessUsage([{ id: "1234", type: "pages", percent, regainMinutes }]) },
        ),
      );
    const busy = await new FacebookAdapter(answer(55, 0).config).publish("ptok", "1234", TEXT);
    expect(!isPending(busy) && busy.quota).toMatchObject({
      usedFraction: 0.55,
      remaining: null,
      source: "x-business-use-case-usage",
    });
    const throttled = await new FacebookAdapter(answer(100, 3).config).publish("ptok", "1234", TEXT);
    expect(!isPending(throttled) && throttled.quota).toMatchObject({ remaining: 0, resetAtMs: T0 + 3 * MINUTE });
  });

  it("an unreadable header tells nothing", () => {
    expect(graphUsage(new Headers({ "x-business-use-case-usage": "{not json" }), T0)).toBeNull();
    expect(graphUsage(new Headers({ "x-business-use-case-usage": JSON.stringify({ p: "x" }) }), T0)).toBeNull();
  });
});

describe("Graph's usage headers (sandbox)", () => {
  it.each([
    ["facebook", 80001, "pages"],
    ["instagram", 80002, "instagram"],
  ] as const)(
    "%s throttled: code %i and x-business-use-case-usage with the minutes to regain",
    async (platform, code, type) => {
      const grant = await sandboxGrant(platform);
      await sandbox(platform).addFault({
        kind: "rate_limit_429",
        endpoint: "profile",
        user_id: grant.user,
        params: { reset_seconds: 1200 },
      });
      const path = platform === "facebook" ? "987" : "me";
      const res = await sandboxFetch(platform, `/${GRAPH_VERSION}/${path}?access_token=${grant.tokens.accessToken}`);
      expectShape(await res.json(), { error: { message: "", type: "OAuthException", code } });
      const usage = JSON.parse(res.headers.get("x-business-use-case-usage") ?? "{}") as Record<string, unknown[]>;
      expectShape(Object.values(usage)[0], [
        { type, call_count: 0, total_cputime: 0, total_time: 0, estimated_time_to_regain_access: 0 },
      ]);
      const [entry] = (Object.values(usage)[0] ?? []) as { estimated_time_to_regain_access: number }[];
      expect(entry?.estimated_time_to_regain_access).toBe(20);
    },
  );

  it("Facebook's Page answers carry their usage", async () => {
    const grant = await sandboxGrant("facebook");
    const res = await sandboxFetch("facebook", `/${GRAPH_VERSION}/${grant.platformUserId}/feed`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ message: "Hi", access_token: grant.tokens.accessToken }).toString(),
    });
    expect(res.status).toBe(200);
    const usage = JSON.parse(res.headers.get("x-business-use-case-usage") ?? "{}") as Record<string, unknown[]>;
    expectShape(usage[grant.platformUserId], [{ type: "pages", call_count: 0, estimated_time_to_regain_access: 0 }]);
  });
});

describe("Graph's usage headers (TenantObject)", () => {
  it("a throttled Page: the post is refused with Retry-After until the regain, and nothing is sent before it", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "facebook");
    const user = sandboxUserOf(account);
    // 50 minutes to regain: longer than any default the object would use (15 minutes).
    await sandbox("facebook").addFault({
      kind: "rate_limit_429",
      endpoint: "publish",
      user_id: user,
      params: { reset_seconds: 3000 },
    });
    const first = await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account) });
    expect(first.status).toBe(429);
    expect(Number(first.headers.get("Retry-After"))).toBeGreaterThan(2900);
    expect(Number(first.headers.get("Retry-After"))).toBeLessThanOrEqual(3000);
    const second = await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account) });
    expect(second.status).toBe(429);
    expect((await sandbox("facebook").counters(user)).publish).toBe(1);
  });

  it("a throttled insight pull waits for the regain, without calling the account's other posts", async () => {
    const world = await publishedPosts(3, "instagram");
    const user = sandboxUserOf(world.account);
    await sandbox("instagram").addFault({
      kind: "rate_limit_429",
      endpoint: "insights",
      user_id: user,
      params: { reset_seconds: 1800 },
    });
    await pullNow(world.tenant.tenantId);
    // Instagram is read one media a call: the first was throttled, the other two not asked.
    expect((await sandbox("instagram").counters(user)).insights).toBe(1);
    const nowMs = await objectNow(world.tenant.tenantId);
    const next = await runInDurableObject(tenantObjectOf(world.tenant.tenantId), (_o: TenantObject, state) =>
      state.storage.sql
        .exec<{ post_id: string; next_sync_ms: number }>("SELECT post_id, next_sync_ms FROM insight_syncs")
        .toArray(),
    );
    expect(next).toHaveLength(3);
    for (const row of next) {
      expect(row.next_sync_ms, `post ${row.post_id}`).toBeGreaterThanOrEqual(nowMs + 29 * MINUTE);
    }
    for (const postId of world.posts) {
      expect(
        (await syncErrors(world.tenant.tenantId, postId)).map((e) => e.error_type),
        postId,
      ).toEqual(["rate_limit"]);
    }
  });
});
