// Transient is never revoked, on X: only X's documented answers to a dead refresh token
// mark an account revoked (400 invalid_request "Value passed for the token was
// invalid.", which X answers for a revoked or rotated-away refresh token, and the
// OAuth 2.0 invalid_grant of RFC 6749 section 5.2). A timeout, a 5xx or a 429 never
// does, whatever its body says; a refusal of the app itself is a refusal, not the
// account's end. Each documented answer is driven through the adapter (exchange.ts) and
// its outcome checked; then through the TenantObject against the sandbox: the account
// stays active through transient failures and is revoked by the dead grant alone.
import { describe, expect, it } from "vitest";
import { isPlatformError, type PlatformError } from "../../src/core/platforms/errors";
import { XAdapter } from "../../src/core/platforms/x";
import { expiringAccount, publishBody, sandbox } from "../support/accounts";
import { tenantDb } from "../support/databases";
import { call } from "../support/http";
import { passObjectTime } from "../support/object-time";
import { recordingConfig, sandboxFetch, sandboxGrant } from "./exchange";

type Outcome = "revoked" | "transient" | "rejected";

/** What an adapter's failure means for the account. */
function outcomeOf(error: unknown): Outcome {
  if (!isPlatformError(error)) throw error;
  if (error.kind === "invalid_grant") return "revoked";
  if (["rate_limited", "unavailable", "timeout", "auth"].includes(error.kind)) return "transient";
  return "rejected";
}

type Answer = Response | "timeout" | "unreachable";

/** The adapter's failure when the platform answers `answer`. */
async function failureOf(answer: () => Answer, act: (adapter: XAdapter) => Promise<unknown>): Promise<PlatformError> {
  const { config } = recordingConfig("twitter", () => {
    const got = answer();
    if (got === "timeout") return new Promise<Response>(() => {});
    if (got === "unreachable") throw new TypeError("Network connection lost.");
    return got;
  });
  config.timeoutMs = 50;
  return act(new XAdapter(config)).then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error as PlatformError,
  );
}

const json =
  (status: number, body: unknown, headers: HeadersInit = {}) =>
  () =>
    Response.json(body, { status, headers });

/** POST /2/oauth2/token (refresh): documented answers and what they mean. */
const TOKEN_ANSWERS: [string, () => Answer, Outcome][] = [
  [
    "400 invalid_request: Value passed for the token was invalid.",
    json(400, { error: "invalid_request", error_description: "Value passed for the token was invalid." }),
    "revoked",
  ],
  ["400 invalid_grant", json(400, { error: "invalid_grant", error_description: "Invalid refresh token" }), "revoked"],
  [
    "401 unauthorized_client (the app's credentials)",
    json(401, { error: "unauthorized_client", error_description: "Missing valid authorization header" }),
    "rejected",
  ],
  [
    "400 invalid_request, another cause",
    json(400, { error: "invalid_request", error_description: "Missing required parameter [refresh_token]." }),
    "rejected",
  ],
  [
    "429",
    json(
      429,
      { title: "Too Many Requests", status: 429 },
      { "x-rate-limit-remaining": "0", "x-rate-limit-reset": "1900000000" },
    ),
    "transient",
  ],
  ["500", json(500, { title: "Internal Error", status: 500 }), "transient"],
  ["503 with an invalid_grant body", json(503, { error: "invalid_grant" }), "transient"],
  ["a timeout", () => "timeout", "transient"],
  ["no connection", () => "unreachable", "transient"],
];

/** POST /2/tweets: documented answers (problem details) and what they mean for the post's account. */
const PUBLISH_ANSWERS: [string, () => Answer, Outcome][] = [
  [
    "401 Unauthorized (refresh, then try again)",
    json(401, { title: "Unauthorized", type: "about:blank", status: 401, detail: "Unauthorized" }),
    "transient",
  ],
  [
    "403 Forbidden",
    json(403, {
      title: "Forbidden",
      type: "about:blank",
      status: 403,
      detail: "You are not permitted to perform this action.",
    }),
    "rejected",
  ],
  [
    "400 Invalid Request",
    json(400, {
      title: "Invalid Request",
      type: "https://api.twitter.com/2/problems/invalid-request",
      detail: "One or more parameters to your request was invalid.",
    }),
    "rejected",
  ],
  ["429 Too Many Requests", json(429, { title: "Too Many Requests", type: "about:blank", status: 429 }), "transient"],
  ["503 Service Unavailable", json(503, { title: "Service Unavailable", status: 503 }), "transient"],
  ["a timeout", () => "timeout", "transient"],
];

describe("X outcomes: only the documented dead grant revokes", () => {
  it.each(TOKEN_ANSWERS)("refresh answered %s: %s", async (_name, answer, outcome) => {
    const error = await failureOf(answer, (adapter) => adapter.refresh({ refreshToken: "rt" }));
    expect(outcomeOf(error), error.message).toBe(outcome);
  });

  it.each(PUBLISH_ANSWERS)("publish answered %s: %s", async (_name, answer, outcome) => {
    const error = await failureOf(answer, (adapter) =>
      adapter.publish("tok", "u", { text: "x", imageUrl: null, videoUrl: null }),
    );
    expect(outcomeOf(error), error.message).toBe(outcome);
    expect(error.kind, error.message).not.toBe("invalid_grant");
  });

  it("the sandbox answers a dead refresh token as X documents it, and a rotated-away one the same", async () => {
    const grant = await sandboxGrant("twitter");
    const basic = btoa("sandbox-client:sandbox-secret");
    const refresh = (token: string) =>
      sandboxFetch("twitter", "/2/oauth2/token", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: `Basic ${basic}` },
        body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: token }),
      });
    // X rotates: the first refresh works and kills the token it used.
    expect((await refresh(grant.tokens.refreshToken ?? "")).status).toBe(200);
    const again = await refresh(grant.tokens.refreshToken ?? "");
    expect(again.status).toBe(400);
    const body = await again.json();
    const error = await failureOf(
      () => Response.json(body, { status: 400 }),
      (adapter) => adapter.refresh({ refreshToken: "rt" }),
    );
    expect(outcomeOf(error)).toBe("revoked");
  });
});

describe("X outcomes through the TenantObject", () => {
  async function accountStatus(tenantId: string, accountId: string) {
    return (await tenantDb(tenantId))
      .prepare("SELECT status FROM social_accounts WHERE account_id = ?")
      .bind(accountId)
      .first<{ status: string }>();
  }

  it.each([
    ["error_500", {}],
    ["rate_limit_429", { reset_seconds: 1 }],
    ["hang", { ms: 6000 }],
  ] as const)(
    "a refresh failing with %s leaves the account active; a dead grant then revokes it",
    async (kind, params) => {
      const { tenant, key, account, user } = await expiringAccount();
      // X has expired the token: the publish needs a refresh, which fails.
      await sandbox("twitter").expireAccessTokens(user);
      await sandbox("twitter").addFault({ kind, endpoint: "refresh", user_id: user, params });
      const res = await call("/v1/posts", { token: key, body: publishBody(account) });
      expect(res.status, await res.clone().text()).toBe(503);
      expect(await accountStatus(tenant.tenantId, account.id)).toEqual({ status: "active" });
      await sandbox("twitter").addFault({ kind: "invalid_grant", endpoint: "refresh", user_id: user });
      await passObjectTime(tenant.tenantId, 10 * 60_000);
      const revoked = await call("/v1/posts", { token: key, body: publishBody(account) });
      expect(revoked.status, await revoked.clone().text()).not.toBe(201);
      expect(await accountStatus(tenant.tenantId, account.id)).toEqual({ status: "revoked" });
    },
  );
});
