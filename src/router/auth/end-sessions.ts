// Ending sessions from a route: the caller's TenantObject deletes them
// (objects/identity/sessions.ts), and their tokens answer 401 from the next request on.
import type { Context } from "hono";
import type { SessionEnding } from "../../../objects/tenant-object/contract";
import type { AppEnv } from "../http/app-env";
import { caller, callerObject } from "../http/request-context";
import { retryOnReset } from "../objects";

/** Ends the sessions `ending` names in the caller's tenant; how many ended. */
export async function endSessions(c: Context<AppEnv>, ending: SessionEnding): Promise<number> {
  const object = await callerObject(c);
  return retryOnReset(object, "endSessions", ending);
}

/**
 * Ends every session of the caller but the one it came with: after a password or MFA
 * change, made from this session with the current password or a current code.
 */
export function endOtherSessions(c: Context<AppEnv>): Promise<number> {
  const { user } = caller(c);
  return endSessions(c, { userId: user.userId, keep: user.sessionId ?? undefined });
}
