// One publish, end to end: admission and a token from the TenantObject, the
// platform call, then the outcome back to the TenantObject. The same steps serve a
// client's request (the router drives a stub over RPC) and a scheduled post (the
// object drives itself from its alarm).
import type { RefreshOutcome, TokenStep } from "../../objects/publishing/account-tokens";
import { isPlatformError, PlatformError } from "../platforms/errors";
import type { Platform, PlatformAdapter } from "../platforms/types";
import type { Answer, BeginStep, PublishInput, SendOutcome } from "./types";

export interface PublishCoordinator {
  beginPublish(input: PublishInput): Promise<BeginStep>;
  completeRefresh(accountId: string, leaseId: string, outcome: RefreshOutcome): Promise<TokenStep>;
  reacquireToken(accountId: string, rejectedVersion: number): Promise<TokenStep>;
  finishPublish(attemptId: string, outcome: SendOutcome): Promise<Answer>;
}

/** Calls the platform's refresh for a lease, and reports the result. */
export async function refreshWithLease(
  coordinator: Pick<PublishCoordinator, "completeRefresh">,
  adapter: PlatformAdapter,
  lease: Extract<TokenStep, { kind: "refresh" }>["lease"],
): Promise<TokenStep> {
  let outcome: RefreshOutcome;
  try {
    const tokens = await adapter.refresh({
      refreshToken: lease.refreshToken,
      accessToken: lease.accessToken,
      platformUserId: lease.platformUserId,
    });
    outcome = {
      ok: true,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAtMs: tokens.expiresAt?.getTime() ?? null,
      refreshTokenExpiresAtMs: tokens.refreshTokenExpiresAt?.getTime() ?? null,
    };
  } catch (error) {
    if (!isPlatformError(error)) throw error;
    outcome = { ok: false, kind: error.kind, message: error.message };
  }
  return coordinator.completeRefresh(lease.accountId, lease.leaseId, outcome);
}

function failed(error: PlatformError): SendOutcome {
  return {
    kind: "failed",
    error: error.kind,
    message: error.message,
    retryAfterSeconds: error.details.retryAfterSeconds,
    resetAtMs: error.details.resetAtMs,
  };
}

/** Publishes `input`; resolves with the answer for the client. */
export async function publish(
  coordinator: PublishCoordinator,
  adapterFor: (platform: Platform) => PlatformAdapter,
  input: PublishInput,
): Promise<Answer> {
  const begun = await coordinator.beginPublish(input);
  if (begun.kind === "answer") return begun.answer;
  const adapter = adapterFor(begun.platform);
  let token = begun.token;
  // One refresh, then one more after a token the platform refuses: no more.
  for (let round = 0; round < 3; round++) {
    if (token.kind === "refresh") token = await refreshWithLease(coordinator, adapter, token.lease);
    if (token.kind !== "token") return coordinator.finishPublish(begun.attemptId, { kind: "not_sent", token });
    try {
      const result = await adapter.publish(token.accessToken, begun.platformUserId, begun.post);
      return coordinator.finishPublish(begun.attemptId, { kind: "published", result });
    } catch (error) {
      if (!isPlatformError(error)) throw error;
      if (error.kind === "auth" && round < 2) {
        token = await coordinator.reacquireToken(token.accountId, token.version);
        continue;
      }
      return coordinator.finishPublish(begun.attemptId, failed(error));
    }
  }
  return coordinator.finishPublish(
    begun.attemptId,
    failed(new PlatformError("auth", "the platform keeps refusing fresh tokens")),
  );
}
