// Step 7 of a publish (publish-flow.ts): the platform call. The attempt is marked
// calling first: from then on its outcome may be unknown, and it is never sent again.
// The adapter (src/core/platforms/) publishes to the platform, or to the SandboxPlatform
// object in development mode.
import { isPlatformError, type PlatformError } from "../../src/core/platforms/errors";
import { isPending, type PlatformAdapter } from "../../src/core/platforms/types";
import { faultPoint } from "../tenant-object/fault-points";
import type { TokenStep } from "./account-tokens";
import type { Attempts } from "./attempts";
import type { AttemptTarget, SendOutcome } from "./types";

export type Called =
  | { kind: "answered"; outcome: SendOutcome }
  /** The platform refused the token (401) and `tokenRefusable` allowed it: nothing was published, it may go again. */
  | { kind: "token_refused" };

/**
 * Publishes `attempt` with `token`. A 401 is `token_refused` while `tokenRefusable`
 * (the attempt is marked sending again), and otherwise a failure like any other.
 */
export async function callPlatform(
  attempts: Attempts,
  adapter: PlatformAdapter,
  attempt: AttemptTarget,
  token: Extract<TokenStep, { kind: "token" }>,
  tokenRefusable: boolean,
): Promise<Called> {
  attempts.mark(attempt.attemptId, "calling");
  await faultPoint("publish.send");
  try {
    const result = await adapter.publish(token.accessToken, attempt.platformUserId, attempt.post);
    if (isPending(result))
      return { kind: "answered", outcome: { kind: "processing", containerId: result.containerId } };
    return { kind: "answered", outcome: { kind: "published", result } };
  } catch (error) {
    if (!isPlatformError(error)) throw error;
    if (error.kind === "auth" && tokenRefusable) {
      attempts.mark(attempt.attemptId, "sending");
      return { kind: "token_refused" };
    }
    return { kind: "answered", outcome: failed(error) };
  }
}

function failed(error: PlatformError): SendOutcome {
  return {
    kind: "failed",
    // A 5xx of the call that creates the post may follow its creation (afterCreate in
    // src/core/platforms/errors.ts): recorded as a timeout is, unknown, and reconciled.
    error: error.outcomeUnknown ? "timeout" : error.kind,
    message: error.message,
    retryAfterSeconds: error.details.retryAfterSeconds,
    resetAtMs: error.details.resetAtMs,
    field: error.details.field,
  };
}
