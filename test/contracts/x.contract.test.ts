// X's documented exchanges (xdevplatform/xdk latest-openapi.json: POST /2/tweets,
// GET /2/tweets; docs.x.com "OAuth 2.0 Authorization Code Flow with PKCE", "Rate
// limits"), against the adapter and the sandbox (see exchange.ts).
import { describe, expect, it } from "vitest";
import { PlatformError } from "../../src/core/platforms/errors";
import { XAdapter, xQuota } from "../../src/core/platforms/x";
import { sandbox } from "../support/accounts";
import { expectShape, recordingConfig, sandboxFetch, sandboxGrant } from "./exchange";

/** POST /2/tweets: TweetCreateRequest { text }, answered 201 TweetCreateResponse { data: { id, text } }. */
const CREATE = { body: { text: "Hello world!" }, response: { data: { id: /^\w+$/, text: "Hello world!" } } };
/** GET /2/tweets?ids=…: data[] with public_metrics and non_public_metrics (user context). */
const LOOKUP = {
  response: {
    data: [
      {
        id: "1460323737035677698",
        text: "Hello world!",
        public_metrics: { retweet_count: 0, reply_count: 0, like_count: 0, quote_count: 0, bookmark_count: 0 },
        non_public_metrics: { impression_count: 0, url_link_clicks: 0, user_profile_clicks: 0 },
      },
    ],
  },
};
/** A dead refresh token, as X answers it. */
const DEAD_REFRESH = {
  status: 400,
  body: { error: "invalid_request", error_description: "Value passed for the token was invalid." },
};

describe("X contract", () => {
  it("create a post: the adapter sends { text } with a bearer token and reads data.id", async () => {
    const { config, requests } = recordingConfig("twitter", () =>
      Response.json({ data: { id: "1445880548472328192", text: "Hello world!" } }, { status: 201 }),
    );
    const result = await new XAdapter(config).publish("tok", "u", {
      text: "Hello world!",
      imageUrl: null,
      videoUrl: null,
    });
    expect(result).toMatchObject({ platformPostId: "1445880548472328192" });
    const [request] = requests;
    expect(request?.method).toBe("POST");
    expect(new URL(request?.url ?? "").pathname).toBe("/2/tweets");
    expect(request?.headers.get("Authorization")).toBe("Bearer tok");
    expect(await request?.json()).toEqual(CREATE.body);
  });

  it("create a post: the sandbox answers 201 { data: { id, text } } with the rate-limit headers", async () => {
    const grant = await sandboxGrant("twitter");
    const res = await sandboxFetch("twitter", "/2/tweets", {
      method: "POST",
      headers: { Authorization: `Bearer ${grant.tokens.accessToken}`, "Content-Type": "application/json" },
      body: JSON.stringify(CREATE.body),
    });
    expect(res.status).toBe(201);
    expectShape(await res.json(), CREATE.response);
    for (const header of ["x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"]) {
      expect(res.headers.get(header), header).toMatch(/^\d+$/);
    }
  });

  it("post lookup: the adapter asks public and non-public metrics; the sandbox answers their shape", async () => {
    const { config, requests } = recordingConfig("twitter", () => Response.json(LOOKUP.response));
    await new XAdapter(config).insights("tok", "u", ["1460323737035677698"]);
    const url = new URL(requests[0]?.url ?? "");
    expect(url.pathname).toBe("/2/tweets");
    expect(url.searchParams.get("ids")).toBe("1460323737035677698");
    expect(url.searchParams.get("tweet.fields")?.split(",")).toEqual(
      expect.arrayContaining(["public_metrics", "non_public_metrics"]),
    );
    const grant = await sandboxGrant("twitter");
    const posted = await sandboxFetch("twitter", "/2/tweets", {
      method: "POST",
      headers: { Authorization: `Bearer ${grant.tokens.accessToken}`, "Content-Type": "application/json" },
      body: JSON.stringify(CREATE.body),
    });
    const { data } = (await posted.json()) as { data: { id: string } };
    const read = await sandboxFetch(
      "twitter",
      `/2/tweets?${url.searchParams.toString().replace(/ids=[^&]+/, `ids=${data.id}`)}`,
      {
        headers: { Authorization: `Bearer ${grant.tokens.accessToken}` },
      },
    );
    expect(read.status).toBe(200);
    expectShape(await read.json(), { data: [{ ...LOOKUP.response.data[0], id: data.id }] });
  });

  it("a dead refresh token: the sandbox answers 400 invalid_request, which the adapter reads as revoked", async () => {
    const grant = await sandboxGrant("twitter");
    await sandbox("twitter").addFault({ kind: "invalid_grant", endpoint: "refresh", user_id: grant.user });
    const basic = btoa("sandbox-client:sandbox-secret");
    const res = await sandboxFetch("twitter", "/2/oauth2/token", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: `Basic ${basic}` },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: grant.tokens.refreshToken ?? "" }),
    });
    expect(res.status).toBe(DEAD_REFRESH.status);
    expect(await res.json()).toEqual(DEAD_REFRESH.body);
    const { config } = recordingConfig("twitter", () => Response.json(DEAD_REFRESH.body, { status: 400 }));
    const refused = await new XAdapter(config).refresh({ refreshToken: "rt" }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PlatformError);
    expect((refused as PlatformError).kind).toBe("invalid_grant");
  });

  it("rate-limit headers: with both windows exhausted, the later reset is the one that holds", () => {
    const now = Math.floor(Date.now() / 1000);
    const headers = new Headers({
      "x-rate-limit-limit": "100",
      "x-rate-limit-remaining": "0",
      "x-rate-limit-reset": String(now + 900),
      "x-user-limit-24hour-limit": "100",
      "x-user-limit-24hour-remaining": "0",
      "x-user-limit-24hour-reset": String(now + 80_000),
    });
    expect(xQuota(headers)).toMatchObject({ remaining: 0, resetAtMs: (now + 80_000) * 1000 });
  });
});
