// LinkedIn's documented exchanges (learn.microsoft.com, LinkedIn Marketing): checked
// against the adapter and the sandbox alike (see exchange.ts).
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { SandboxPlatform } from "../../objects/sandbox-platform";
import { LinkedInAdapter } from "../../src/core/platforms/linkedin";
import { linkedInVersionFor } from "../../src/core/platforms/linkedin-version";
import { sandbox } from "../support/accounts";
import { expectShape, recordingConfig, sandboxFetch, sandboxGrant } from "./exchange";

const SHARE = "urn:li:share:6844785523593134080";

/** Posts API, "Create a Text-Only Post": the request body and the 201 with x-restli-id. */
const CREATE_POST = {
  body: {
    author: /^urn:li:person:.+/,
    commentary: "Sample text Post",
    visibility: "PUBLIC",
    distribution: { feedDistribution: "MAIN_FEED", targetEntities: [], thirdPartyDistributionChannels: [] },
    lifecycleState: "PUBLISHED",
    isReshareDisabledByAuthor: false,
  },
  response: { status: 201, headers: { "x-restli-id": /^urn:li:(share|ugcPost):\S+$/ } },
};

/** Member Post Statistics, the entity finder: one queryType per call, answer elements[].count. */
const MEMBER_ANALYTICS = {
  query: { q: "entity", entity: `(share:${SHARE})`, queryType: "IMPRESSION", aggregation: "TOTAL" },
  response: {
    paging: { start: 0, count: 10, links: [] },
    elements: [{ count: 1024, metricType: "IMPRESSION", targetEntity: { share: SHARE } }],
  },
};

function restHeaders(token: string): Record<string, string> {
  return {
    Authorization: `Bearer ${token}`,
    "LinkedIn-Version": linkedInVersionFor(Date.now()),
    "X-Restli-Protocol-Version": "2.0.0",
    "Content-Type": "application/json",
  };
}

describe("LinkedIn contract", () => {
  it("create a post: the adapter sends the documented request and reads x-restli-id", async () => {
    const { config, requests } = recordingConfig(
      "linkedin",
      () => new Response(null, { status: 201, headers: { "x-restli-id": SHARE } }),
    );
    const result = await new LinkedInAdapter(config).publish("tok", "abc", {
      text: "Sample text Post",
      imageUrl: null,
      videoUrl: null,
    });
    expect(result).toMatchObject({ platformPostId: SHARE });
    const [request] = requests;
    expect(request?.method).toBe("POST");
    expect(new URL(request?.url ?? "").pathname).toBe("/rest/posts");
    expect(request?.headers.get("LinkedIn-Version")).toMatch(/^\d{6}$/);
    expect(request?.headers.get("X-Restli-Protocol-Version")).toBe("2.0.0");
    expectShape(await request?.json(), CREATE_POST.body);
  });

  it("create a post: the sandbox answers the documented request 201 with x-restli-id", async () => {
    const grant = await sandboxGrant("linkedin");
    const body = { ...CREATE_POST.body, author: `urn:li:person:${grant.platformUserId}` };
    const res = await sandboxFetch("linkedin", "/rest/posts", {
      method: "POST",
      headers: restHeaders(grant.tokens.accessToken),
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(CREATE_POST.response.status);
    expect(res.headers.get("x-restli-id")).toMatch(CREATE_POST.response.headers["x-restli-id"]);
  });

  it("unescaped commentary is cut at its first reserved character, and still answered 201", async () => {
    const grant = await sandboxGrant("linkedin");
    const headers = restHeaders(grant.tokens.accessToken);
    const author = `urn:li:person:${grant.platformUserId}`;
    const post = (commentary: string) =>
      sandboxFetch("linkedin", "/rest/posts", {
        method: "POST",
        headers,
        body: JSON.stringify({ ...CREATE_POST.body, author, commentary }),
      });
    expect((await post("Rebar (12 mm) #steel")).status).toBe(201);
    expect((await post("Rebar \\(12 mm\\) {hashtag|\\#|steel} @[Ann](urn:li:person:a1)")).status).toBe(201);
    const texts = (await sandbox("linkedin").posts(grant.user)).map((p) => p.text);
    expect(texts).toEqual(["Rebar ", "Rebar (12 mm) #steel Ann"]);
  });

  it("a sunset or missing LinkedIn-Version is refused (426)", async () => {
    const grant = await sandboxGrant("linkedin");
    for (const version of ["202311", null]) {
      const headers = restHeaders(grant.tokens.accessToken);
      if (version) headers["LinkedIn-Version"] = version;
      else delete headers["LinkedIn-Version"];
      const res = await sandboxFetch("linkedin", "/rest/posts", {
        method: "POST",
        headers,
        body: JSON.stringify({ ...CREATE_POST.body, author: `urn:li:person:${grant.platformUserId}` }),
      });
      expect(res.status).toBe(426);
    }
  });

  it("member post statistics: the adapter asks one queryType per call and sums elements[].count", async () => {
    const { config, requests } = recordingConfig("linkedin", () => Response.json(MEMBER_ANALYTICS.response));
    // An app LinkedIn approved for them (LINKEDIN_POST_ANALYTICS = "on"), at a version before POST_SAVE.
    config.linkedInPostAnalytics = true;
    config.apiVersion = "202602";
    const metrics = await new LinkedInAdapter(config).insights("tok", "abc", [SHARE]);
    expect(requests.map((r) => new URL(r.url).searchParams.getAll("queryType"))).toEqual([
      ["IMPRESSION"],
      ["MEMBERS_REACHED"],
      ["REACTION"],
      ["COMMENT"],
      ["RESHARE"],
    ]);
    for (const request of requests) {
      const url = new URL(request.url);
      expect(url.pathname).toBe("/rest/memberCreatorPostAnalytics");
      expect(url.searchParams.get("q")).toBe(MEMBER_ANALYTICS.query.q);
      expect(url.searchParams.get("entity")).toBe(MEMBER_ANALYTICS.query.entity);
      expect(url.searchParams.get("aggregation")).toBe("TOTAL");
    }
    expect(metrics.get(SHARE)).toMatchObject({ impressions: 1024, reach: 1024, likes: 1024 });
  });

  it("member post statistics: the sandbox answers the documented shape, and refuses without the scope", async () => {
    const grant = await sandboxGrant("linkedin");
    const posted = await sandboxFetch("linkedin", "/rest/posts", {
      method: "POST",
      headers: restHeaders(grant.tokens.accessToken),
      body: JSON.stringify({ ...CREATE_POST.body, author: `urn:li:person:${grant.platformUserId}` }),
    });
    const urn = posted.headers.get("x-restli-id") as string;
    const query = (token: string, queryType: string) =>
      sandboxFetch(
        "linkedin",
        `/rest/memberCreatorPostAnalytics?q=entity&entity=(share:${encodeURIComponent(urn)})&queryType=${queryType}&aggregation=TOTAL`,
        { headers: restHeaders(token) },
      );
    const ok = await query(grant.tokens.accessToken, "IMPRESSION");
    expect(ok.status).toBe(200);
    expectShape(await ok.json(), {
      ...MEMBER_ANALYTICS.response,
      elements: [{ count: 0, metricType: "IMPRESSION", targetEntity: { share: urn } }],
    });
    // Two query types in one call: LinkedIn takes one.
    expect((await query(grant.tokens.accessToken, "IMPRESSION,REACTION")).status).toBe(400);
    // Without r_member_postAnalytics: 403 ACCESS_DENIED.
    const bare = await sandboxGrant("linkedin", ["openid", "profile", "w_member_social"]);
    const denied = await query(bare.tokens.accessToken, "IMPRESSION");
    expect(denied.status).toBe(403);
    expectShape(await denied.json(), { status: 403, code: "ACCESS_DENIED", message: "" });
  });

  it("socialMetadata: 403 without r_member_social; with it, reactions and comments, no impressions or clicks", async () => {
    const grant = await sandboxGrant("linkedin");
    const posted = await sandboxFetch("linkedin", "/rest/posts", {
      method: "POST",
      headers: restHeaders(grant.tokens.accessToken),
      body: JSON.stringify({ ...CREATE_POST.body, author: `urn:li:person:${grant.platformUserId}` }),
    });
    const urn = posted.headers.get("x-restli-id") as string;
    const read = (token: string) =>
      sandboxFetch("linkedin", `/rest/socialMetadata?ids=List(${encodeURIComponent(urn)})`, {
        headers: restHeaders(token),
      });
    expect((await read(grant.tokens.accessToken)).status).toBe(403);
    // An ordinary app cannot even ask for r_member_social ("select developers only").
    await expect(sandboxGrant("linkedin", ["openid", "r_member_social"])).rejects.toThrow(/did not approve/);
    // A select developer's token (issued in the sandbox's store directly).
    const selectToken = await runInDurableObject(sandbox("linkedin"), (o: SandboxPlatform) =>
      (
        o as unknown as { store: { issueToken(k: string, u: string, t: null, s: string): { token: string } } }
      ).store.issueToken("access", grant.user, null, "r_member_social"),
    );
    const res = await read(selectToken.token);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: Record<string, Record<string, unknown>> };
    const metadata = body.results[urn] ?? {};
    expectShape(metadata, { reactionSummaries: {}, commentSummary: { count: 0 } });
    for (const absent of ["impressionCount", "uniqueImpressionsCount", "clickCount", "shareSummary"]) {
      expect(metadata).not.toHaveProperty(absent);
    }
  });
});
