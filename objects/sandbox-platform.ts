// One SandboxPlatform object per platform ("linkedin", "twitter", "facebook",
// "instagram"): the local stand-in for that platform's API, with its state in
// SQLite. The adapters reach it through PlatformConfig.transport; browsers reach its
// authorize page through the router's /sandbox/* route.
import { DurableObject } from "cloudflare:workers";
import type { Hono } from "hono";
import { PLATFORMS, type Platform } from "../src/core/platforms/types";
import { sandboxApp } from "../src/core/sandbox/app";
import { addFault, type FaultInput } from "../src/core/sandbox/control";
import type { SandboxPlatformControls } from "../src/core/sandbox/platform-object";
import { SandboxStore } from "../src/core/sandbox/store";
import { applyObjectMigrations } from "./schema/migrate";
import { SANDBOX_MIGRATIONS } from "./schema/sandbox-migrations";

export class SandboxPlatform extends DurableObject<Env> implements SandboxPlatformControls {
  private readonly store: SandboxStore;
  private app: Hono | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    applyObjectMigrations(ctx.storage, SANDBOX_MIGRATIONS);
    this.store = new SandboxStore(ctx.storage.sql);
  }

  private get platform(): Platform {
    const name = this.ctx.id.name;
    if (!name || !(PLATFORMS as readonly string[]).includes(name)) {
      throw new Error(`a SandboxPlatform is named after its platform, not ${name}`);
    }
    return name as Platform;
  }

  override fetch(request: Request): Promise<Response> {
    this.app ??= sandboxApp({ platform: this.platform, store: this.store }, this.env.ADMIN_TOKEN);
    return Promise.resolve(this.app.fetch(request));
  }

  /** Calls per endpoint, for one platform user or all of them. */
  async counters(userId?: string): Promise<Record<string, number>> {
    return this.store.counters(userId);
  }

  async posts(userId?: string) {
    return this.store.posts(userId);
  }

  async addFault(fault: FaultInput): Promise<number> {
    return addFault(this.store, fault);
  }

  async clearFaults(): Promise<void> {
    this.store.clearFaults();
  }

  /** A sandbox user (the authorize page signs it in with the password of its first sign-in). */
  async createUser(userId: string, options: { tokenTtlSeconds?: number | null; pages?: number } = {}) {
    const user = this.store.createUser({ userId, tokenTtlSeconds: options.tokenTtlSeconds ?? null });
    if (options.pages !== undefined) this.store.setPageCount(userId, options.pages);
    return user;
  }

  /** Moves the sandbox's media-processing clock forward (src/core/sandbox/clock.ts). */
  async advanceClock(ms: number): Promise<number> {
    return this.store.advanceClock(ms);
  }

  async setTokenTtl(userId: string, seconds: number | null): Promise<void> {
    this.store.setTokenTtl(userId, seconds);
  }

  async expireAccessTokens(userId: string): Promise<number> {
    return this.store.expireAccessTokens(userId);
  }

  async liveTokens(userId: string): Promise<number> {
    return this.store.liveTokens(userId);
  }
}
