// What a SandboxPlatform Durable Object (objects/sandbox-platform.ts, one per
// platform) answers besides its HTTP surface: the same operations as the control
// panel (./control.ts), by RPC, for tests. The router reaches it through fetch only
// (src/core/platforms/config.ts, src/router/routes/sandbox.ts); the object implements this.
import type { FaultInput } from "./control";
import type { SandboxUser } from "./store";

export interface SandboxPlatformControls {
  /** Calls per endpoint, for one platform user or all of them. */
  counters(userId?: string): Promise<Record<string, number>>;
  posts(userId?: string): Promise<{ post_id: string; user_id: string; text: string; created_at_ms: number }[]>;
  addFault(fault: FaultInput): Promise<number>;
  clearFaults(): Promise<void>;
  /**
   * A sandbox user, signed in to on the authorize page with the password of its first
   * sign-in (consent-page.ts); login_hint fills its name in.
   * `pages`: how many Facebook Pages the user manages (1 unless given).
   */
  createUser(userId: string, options?: { tokenTtlSeconds?: number | null; pages?: number }): Promise<SandboxUser>;
  /** Moves the sandbox's media-processing clock forward (./clock.ts). */
  advanceClock(ms: number): Promise<number>;
  setTokenTtl(userId: string, seconds: number | null): Promise<void>;
  expireAccessTokens(userId: string): Promise<number>;
  /** How many of a user's tokens still work (a revoked grant leaves none). */
  liveTokens(userId: string): Promise<number>;
}

/** As the runtime's Durable Object types take it. */
export type SandboxPlatformBinding = SandboxPlatformControls & Rpc.DurableObjectBranded;
