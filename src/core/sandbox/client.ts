// What the sandbox platforms know of the app, as a real platform knows the apps
// registered with it: one client id and secret, and where the sandbox answers. The
// adapters' side keeps its own copy (src/core/platforms/config.ts); the contract tests
// check the two agree, so neither can drift alone.
import type { Platform } from "../platforms/types";

/** The one client registered with every sandbox platform. */
export const REGISTERED_CLIENT = { id: "sandbox-client", secret: "sandbox-secret" } as const;

/** Where a sandbox platform answers, under this Worker's origin. */
export function sandboxBase(platform: Platform): string {
  return `/sandbox/${platform}`;
}
