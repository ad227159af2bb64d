// Transient is never revoked, on LinkedIn: only its token endpoint's invalid_grant
// (learn.microsoft.com, "Refresh Tokens with OAuth 2.0" and "Authorization Code Flow";
// RFC 6749 section 5.2: a refresh token expired after its 365 days, or revoked) marks an
// account revoked. A timeout, a 5xx or a 429 never does, whatever its body says; a 401
// on an API call (EXPIRED_ACCESS_TOKEN, REVOKED_ACCESS_TOKEN) sends the account to a
// refresh, whose answer decides. Each documented answer is driven through the adapter
// (exchange.ts) and its outcome checked; the sandbox answers the dead grant as
// documented. The TenantObject's side for LinkedIn: test/faults/platform-faults.test.ts
// (refresh faults leave the account active) and test/publishing/refresh.test.ts
// (invalid_grant revokes).
import { describe, expect, it } from "vitest";
import { isPlatformError, type PlatformError } from "../../src/core/platforms/errors";
import { LinkedInAdapter } from "../../src/core/platforms/linkedin";
import { sandbox } from "../support/accounts";
import { recordingConfig, sandboxFetch, sandboxGrant } from "./exchange";

type Outcome = "revoked" | "transient" | "rejected";

function outcomeOf(error: unknown): Outcome {
  if (!isPlatformError(error)) throw error;
  if (error.kind === "invalid_grant") return "revoked";
  if (["rate_limited", "unavailable", "timeout", "auth"].includes(error.kind)) return "transient";
  return "rejected";
}

type Answer = Response | "timeout" | "unreachable";

async function failureOf(
  answer: () => Answer,
  act: (adapter: LinkedInAdapter) => Promise<unknown>,
): Promise<PlatformError> {
  const { config } = recordingConfig("linkedin", () => {
    const got = answer();
    if (got === "timeout") return new Promise<Response>(() => {});
    if (got === "unreachable") throw new TypeError("Network connection lost.");
    return got;
  });
  config.timeoutMs = 50;
  return act(new LinkedInAdapter(config)).then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error as PlatformError,
  );
}

const json = (status: number, body: unknown) => () => Response.json(body, { status });
/** LinkedIn's API error body (learn.microsoft.com, "Error Handling"). */
const apiError = (status: number, code: string, message: string, serviceErrorCode = 100) =>
  json(status, { status, serviceErrorCode, code, message });

/** POST /oauth/v2/accessToken (grant_type=refresh_token): documented answers and what they mean. */
const TOKEN_ANSWERS: [string, () => Answer, Outcome][] = [
  [
    "400 invalid_grant (expired or revoked)",
    json(400, {
      error: "invalid_grant",
      error_description: "The provided authorization grant or refresh token is invalid, expired or revoked",
    }),
    "revoked",
  ],
  [
    "401 invalid_client (the app's credentials)",
    json(401, { error: "invalid_client", error_description: "Client authentication failed" }),
    "rejected",
  ],
  [
    "400 invalid_request",
    json(400, { error: "invalid_request", error_description: 'A required parameter "refresh_token" is missing' }),
    "rejected",
  ],
  ["429", apiError(429, "TOO_MANY_REQUESTS", "Resource level throttle limit reached"), "transient"],
  ["500", json(500, { error: "server_error" }), "transient"],
  ["504 with an invalid_grant body", json(504, { error: "invalid_grant" }), "transient"],
  ["a timeout", () => "timeout", "transient"],
  ["no connection", () => "unreachable", "transient"],
];

/** POST /rest/posts: documented answers and what they mean for the post's account. */
const PUBLISH_ANSWERS: [string, () => Answer, Outcome][] = [
  [
    "401 EXPIRED_ACCESS_TOKEN (refresh)",
    apiError(401, "EXPIRED_ACCESS_TOKEN", "The token used in the request has expired", 65601),
    "transient",
  ],
  [
    "401 REVOKED_ACCESS_TOKEN (refresh decides)",
    apiError(401, "REVOKED_ACCESS_TOKEN", "The token used in the request has been revoked by the user", 65602),
    "transient",
  ],
  [
    "403 ACCESS_DENIED",
    apiError(403, "ACCESS_DENIED", "Not enough permissions to access: partnerApiPostsExternal.CREATE.20260501"),
    "rejected",
  ],
  ["422 invalid content", apiError(422, "UNPROCESSABLE_ENTITY", "ERROR :: /commentary :: is too long"), "rejected"],
  [
    "426 NONEXISTENT_VERSION",
    apiError(426, "NONEXISTENT_VERSION", "Requested version 202311 is not active"),
    "rejected",
  ],
  ["429", apiError(429, "TOO_MANY_REQUESTS", "Resource level throttle limit reached"), "transient"],
  ["500", apiError(500, "INTERNAL_SERVER_ERROR", "Internal Server Error"), "transient"],
  ["a timeout", () => "timeout", "transient"],
];

describe("LinkedIn outcomes: only invalid_grant from the token endpoint revokes", () => {
  it.each(TOKEN_ANSWERS)("refresh answered %s: %s", async (_name, answer, outcome) => {
    const error = await failureOf(answer, (adapter) => adapter.refresh({ refreshToken: "rt" }));
    expect(outcomeOf(error), error.message).toBe(outcome);
  });

  it.each(PUBLISH_ANSWERS)("publish answered %s: %s", async (_name, answer, outcome) => {
    const error = await failureOf(answer, (adapter) =>
      adapter.publish("tok", "abc", { text: "x", imageUrl: null, videoUrl: null }),
    );
    expect(outcomeOf(error), error.message).toBe(outcome);
    expect(error.kind, error.message).not.toBe("invalid_grant");
  });

  it("the sandbox answers a dead refresh token with the documented invalid_grant, which the adapter reads as revoked", async () => {
    const grant = await sandboxGrant("linkedin");
    await sandbox("linkedin").addFault({ kind: "invalid_grant", endpoint: "refresh", user_id: grant.user });
    const res = await sandboxFetch("linkedin", "/oauth/v2/accessToken", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: grant.tokens.refreshToken ?? "",
        client_id: "sandbox-client",
        client_secret: "sandbox-secret",
      }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string };
    expect(body.error).toBe("invalid_grant");
    const error = await failureOf(
      () => Response.json(body, { status: 400 }),
      (adapter) => adapter.refresh({ refreshToken: "rt" }),
    );
    expect(outcomeOf(error)).toBe("revoked");
  });
});
