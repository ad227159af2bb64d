// Transient is never revoked (Graph API "Handling Errors", its Authentication Error
// Subcodes; Instagram Platform "Error Codes"): each documented error answer, driven
// through the Facebook and Instagram adapters, has the outcome src/core/platforms/
// graph.ts gives it. Only a refresh refused with a token error that leaves no way back
// (190 without subcode or with 458, 460, 463, 467; 102) is invalid_grant, which marks
// the account revoked; a checkpoint (459, 464), a rate limit (4, 17, 32, 341, 613,
// 80001, 80002), a transient answer (is_transient, 1, 2, -1, -2), a 5xx, a 429 and a
// timeout never are. Against recorded exchanges, the sandbox (its graph_error switch),
// and the TenantObject through the API.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { platformAdapter } from "../../src/core/platforms";
import { PlatformError, type PlatformErrorKind } from "../../src/core/platforms/errors";
import { FacebookAdapter } from "../../src/core/platforms/facebook";
import { InstagramAdapter } from "../../src/core/platforms/instagram";
import type { Platform, PlatformAdapter } from "../../src/core/platforms/types";
import { connectAccount, publishBody, sandbox, sandboxUserOf } from "../support/accounts";
import { tenantDb } from "../support/databases";
import { call, json, ORIGIN } from "../support/http";
import { createTenant } from "../support/tenants";
import { sandboxGrant } from "./exchange";
import { clockedConfig, graphAnswer, platformErrorOf } from "./meta-support";

type Outcome = "revoked" | "transient" | "rejected";

interface Documented {
  name: string;
  answer: () => Response;
  /** What a refresh refused this way means for the account. */
  refresh: Outcome;
  /** The kind a publish refused this way is. */
  publish: PlatformErrorKind;
}

const error =
  (status: number, code: number, more: { subcode?: number; is_transient?: boolean } = {}) =>
  () =>
    graphAnswer(status, { code, ...more });

/** Meta's documented answers, and the outcome of each. */
const DOCUMENTED: Documented[] = [
  { name: "190 without subcode", answer: error(400, 190), refresh: "revoked", publish: "auth" },
  { name: "190/458 app not installed", answer: error(400, 190, { subcode: 458 }), refresh: "revoked", publish: "auth" },
  { name: "190/460 password changed", answer: error(400, 190, { subcode: 460 }), refresh: "revoked", publish: "auth" },
  { name: "190/463 expired", answer: error(400, 190, { subcode: 463 }), refresh: "revoked", publish: "auth" },
  { name: "190/467 invalid token", answer: error(400, 190, { subcode: 467 }), refresh: "revoked", publish: "auth" },
  { name: "102 API session", answer: error(400, 102), refresh: "revoked", publish: "auth" },
  { name: "190/459 checkpointed", answer: error(400, 190, { subcode: 459 }), refresh: "transient", publish: "auth" },
  { name: "190/464 unconfirmed", answer: error(400, 190, { subcode: 464 }), refresh: "transient", publish: "auth" },
  { name: "4 app calls", answer: error(400, 4), refresh: "transient", publish: "rate_limited" },
  { name: "17 user calls", answer: error(400, 17), refresh: "transient", publish: "rate_limited" },
  { name: "32 Page calls", answer: error(400, 32), refresh: "transient", publish: "rate_limited" },
  { name: "341 app limit", answer: error(400, 341), refresh: "transient", publish: "rate_limited" },
  { name: "613 custom limit", answer: error(400, 613), refresh: "transient", publish: "rate_limited" },
  { name: "80001 Pages use case", answer: error(400, 80001), refresh: "transient", publish: "rate_limited" },
  { name: "80002 Instagram use case", answer: error(400, 80002), refresh: "transient", publish: "rate_limited" },
  { name: "1 API unknown", answer: error(400, 1), refresh: "transient", publish: "unavailable" },
  { name: "2 API service", answer: error(400, 2), refresh: "transient", publish: "unavailable" },
  {
    name: "-1/2207001 server error",
    answer: error(400, -1, { subcode: 2207001 }),
    refresh: "transient",
    publish: "unavailable",
  },
  {
    name: "-2/2207003 download timeout",
    answer: error(400, -2, { subcode: 2207003 }),
    refresh: "transient",
    publish: "unavailable",
  },
  {
    name: "is_transient: true",
    answer: error(400, 100, { is_transient: true }),
    refresh: "transient",
    publish: "unavailable",
  },
  {
    name: "190 with is_transient: true",
    answer: error(400, 190, { is_transient: true }),
    refresh: "transient",
    publish: "unavailable",
  },
  { name: "500 with code 1", answer: error(500, 1), refresh: "transient", publish: "unavailable" },
  {
    name: "503 without a body",
    answer: () => new Response("", { status: 503 }),
    refresh: "transient",
    publish: "unavailable",
  },
  {
    name: "429 without a body",
    answer: () => new Response("", { status: 429 }),
    refresh: "transient",
    publish: "rate_limited",
  },
  { name: "100 invalid parameter", answer: error(400, 100), refresh: "rejected", publish: "rejected" },
  { name: "10 permission denied", answer: error(403, 10), refresh: "rejected", publish: "rejected" },
  { name: "200 permission", answer: error(403, 200), refresh: "rejected", publish: "rejected" },
  {
    name: "4/2207051 spam restriction",
    answer: error(400, 4, { subcode: 2207051 }),
    refresh: "rejected",
    publish: "rejected",
  },
];

function outcomeOf(error: PlatformError): Outcome {
  if (error.kind === "invalid_grant") return "revoked";
  if (error.kind === "rejected" || error.kind === "media") return "rejected";
  return "transient";
}

const ADAPTERS = {
  facebook: (config: ConstructorParameters<typeof FacebookAdapter>[0]) => new FacebookAdapter(config),
  instagram: (config: ConstructorParameters<typeof InstagramAdapter>[0]) => new InstagramAdapter(config),
} as const;

const CREDENTIAL = { refreshToken: "user-token", accessToken: "access-token", platformUserId: "1789" };
const POST = { text: "Rebar", imageUrl: "https://cdn.example.com/rebar.jpg", videoUrl: null };

describe.each(["facebook", "instagram"] as const)("%s: documented error answers", (platform) => {
  it.each(DOCUMENTED)("refresh refused with $name: $refresh", async (documented) => {
    const { config } = clockedConfig(platform, () => documented.answer());
    const error = await platformErrorOf(ADAPTERS[platform](config).refresh(CREDENTIAL));
    expect(outcomeOf(error), `${platform} refresh, ${documented.name}: ${error.kind}`).toBe(documented.refresh);
  });

  it.each(DOCUMENTED)("publish refused with $name: $publish", async (documented) => {
    const { config } = clockedConfig(platform, () => documented.answer());
    const error = await platformErrorOf(ADAPTERS[platform](config).publish("access-token", "1789", POST));
    expect(error.kind, `${platform} publish, ${documented.name}`).toBe(documented.publish);
  });

  it("no answer in time: a refresh is transient, a publish's outcome unknown", async () => {
    const late = () => Promise.reject(new PlatformError("timeout", "no answer within the deadline"));
    const refresh = clockedConfig(platform, late);
    expect(outcomeOf(await platformErrorOf(ADAPTERS[platform](refresh.config).refresh(CREDENTIAL)))).toBe("transient");
    const publish = clockedConfig(platform, late);
    const error = await platformErrorOf(ADAPTERS[platform](publish.config).publish("access-token", "1789", POST));
    expect(error.outcomeUnknown).toBe(true);
  });
});

/** The sandbox user, grant and adapter of a fresh account of `platform`, in development mode. */
async function sandboxAccount(platform: "facebook" | "instagram") {
  const grant = await sandboxGrant(platform);
  const adapter: PlatformAdapter = platformAdapter(env, platform, ORIGIN);
  return { grant, adapter };
}

const SANDBOX_CASES: { name: string; params: Record<string, unknown>; refresh: Outcome }[] = [
  { name: "190/460 password changed", params: { code: 190, subcode: 460 }, refresh: "revoked" },
  { name: "190/458 app not installed", params: { code: 190, subcode: 458 }, refresh: "revoked" },
  { name: "190/459 checkpointed", params: { code: 190, subcode: 459 }, refresh: "transient" },
  { name: "80001 throttled", params: { code: 80001 }, refresh: "transient" },
  { name: "is_transient", params: { code: 2, is_transient: true }, refresh: "transient" },
  { name: "-1 server error", params: { code: -1, subcode: 2207001 }, refresh: "transient" },
  { name: "a 500", params: { code: 1, status: 500 }, refresh: "transient" },
];

describe.each(["facebook", "instagram"] as const)("%s sandbox: the graph_error switch", (platform) => {
  it.each(SANDBOX_CASES)("a refresh answered $name: $refresh", async ({ name, params, refresh }) => {
    const { grant, adapter } = await sandboxAccount(platform);
    await sandbox(platform).addFault({ kind: "graph_error", endpoint: "refresh", user_id: grant.user, params });
    const error = await platformErrorOf(
      adapter.refresh({
        refreshToken: grant.tokens.refreshToken,
        accessToken: grant.tokens.accessToken,
        platformUserId: grant.platformUserId,
      }),
    );
    expect(outcomeOf(error), `${platform} sandbox refresh, ${name}: ${error.kind}`).toBe(refresh);
  });
});

async function accountStatus(tenantId: string, accountId: string): Promise<string | undefined> {
  const row = await (await tenantDb(tenantId))
    .prepare("SELECT status FROM social_accounts WHERE account_id = ?")
    .bind(accountId)
    .first<{ status: string }>();
  return row?.status;
}

const OBJECT_CASES: { name: string; params: Record<string, unknown>; status: number; account: string }[] = [
  { name: "190/460 password changed", params: { code: 190, subcode: 460 }, status: 409, account: "revoked" },
  { name: "190/459 checkpointed", params: { code: 190, subcode: 459 }, status: 503, account: "active" },
  { name: "is_transient", params: { code: 2, is_transient: true }, status: 503, account: "active" },
  { name: "80001 throttled", params: { code: 80001 }, status: 503, account: "active" },
];

describe.each(["facebook", "instagram"] as const)("%s through the TenantObject", (platform: Platform) => {
  it.each(OBJECT_CASES)(
    "an expired token whose refresh is answered $name: the account is $account",
    async ({ name, params, status, account: expected }) => {
      const tenant = await createTenant();
      const account = await connectAccount(tenant.ownerKey, platform);
      const user = sandboxUserOf(account);
      // The token in use is refused (190/463), so the object refreshes it, and the
      // refresh is answered as the case says.
      await sandbox(platform).expireAccessTokens(user);
      await sandbox(platform).addFault({ kind: "graph_error", endpoint: "refresh", user_id: user, params });
      // (Facebook's connect made its long-lived exchange on the same endpoint.)
      const refreshesBefore = (await sandbox(platform).counters(user)).refresh ?? 0;
      const res = await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account) });
      expect(res.status, `${platform}, ${name}: ${await res.clone().text()}`).toBe(status);
      if (status === 409) {
        expect(await json<{ type: string }>(res)).toMatchObject({ type: "/problems/account-unavailable" });
      }
      expect(await accountStatus(tenant.tenantId, account.id), `${platform}, ${name}`).toBe(expected);
      const refreshes = ((await sandbox(platform).counters(user)).refresh ?? 0) - refreshesBefore;
      expect(refreshes, `${platform}, ${name}: one refresh`).toBe(1);
    },
  );
});
