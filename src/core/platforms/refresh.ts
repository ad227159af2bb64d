// A refresh lease performed at the platform: its token endpoint called with the
// lease's tokens, and the answer (new tokens, or the platform's refusal) as the
// outcome the TenantObject records. The router calls it for a client's publish (see
// publishNow in objects/tenant-object/contract.ts for why); the object's alarm calls
// it for scheduled posts, insight pulls and token upkeep.
import { isPlatformError, type PlatformErrorKind } from "./errors";
import type { Platform, PlatformAdapter } from "./types";

/** The right to refresh one account's token, held by one caller at a time. */
export interface RefreshLease {
  leaseId: string;
  accountId: string;
  platform: Platform;
  platformUserId: string;
  accessToken: string;
  refreshToken: string | null;
}

/** What the platform's token endpoint answered to a lease's refresh. */
export type RefreshOutcome =
  | {
      ok: true;
      accessToken: string;
      refreshToken: string | null;
      expiresAtMs: number | null;
      refreshTokenExpiresAtMs: number | null;
    }
  | { ok: false; kind: PlatformErrorKind; message: string };

/** Calls the platform's refresh for a lease; the outcome, for the object to record. */
export async function refreshAtPlatform(adapter: PlatformAdapter, lease: RefreshLease): Promise<RefreshOutcome> {
  try {
    const tokens = await adapter.refresh({
      refreshToken: lease.refreshToken,
      accessToken: lease.accessToken,
      platformUserId: lease.platformUserId,
    });
    return {
      ok: true,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAtMs: tokens.expiresAt?.getTime() ?? null,
      refreshTokenExpiresAtMs: tokens.refreshTokenExpiresAt?.getTime() ?? null,
    };
  } catch (error) {
    if (!isPlatformError(error)) throw error;
    return { ok: false, kind: error.kind, message: error.message };
  }
}
