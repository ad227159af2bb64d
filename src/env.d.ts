// The bindings the Worker and its Durable Objects receive. Secrets come from
// `.dev.vars` locally (written by `npm start`), `wrangler secret put` in production,
// and the vitest config in tests.
import type { TenantObject } from "../objects/tenant-object";

declare global {
  namespace Cloudflare {
    interface Env {
      DB: D1Database;
      ASSETS: Fetcher;
      TenantObject: DurableObjectNamespace<TenantObject>;
      /** "sandbox" (default) or "live". */
      PLATFORM_MODE: string;
      /** Bearer token of the platform operator. */
      ADMIN_TOKEN: string;
      /** Master secret from which every tenant key is derived (base64, 32 bytes). */
      KMS_MASTER_KEY: string;
      /** Signs session tokens and live tickets (base64, 32 bytes). */
      SESSION_SECRET: string;
    }
    interface GlobalProps {
      mainModule: typeof import("./index");
      durableNamespaces: "TenantObject";
    }
  }
  interface Env extends Cloudflare.Env {}
}
