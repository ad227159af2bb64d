// The bindings the Worker and its Durable Objects receive. Secrets come from
// `.dev.vars` locally (written by `npm start`), `wrangler secret put` in production,
// and the vitest config in tests.
import type { TenantObject } from "../objects/tenant-object";
import type { VectorIndexObject } from "../objects/vector-index-object";

declare global {
  namespace Cloudflare {
    interface Env {
      DB: D1Database;
      ASSETS: Fetcher;
      TenantObject: DurableObjectNamespace<TenantObject>;
      /** The embedded vector index, used for any index without a Vectorize binding. */
      VectorIndexObject: DurableObjectNamespace<VectorIndexObject>;
      /** Vectorize indexes (production only; see README). Absent: the embedded index. */
      VECTORIZE_BRAND_VOICE?: Vectorize;
      VECTORIZE_SKILLS?: Vectorize;
      VECTORIZE_KNOWLEDGE?: Vectorize;
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
      durableNamespaces: "TenantObject" | "VectorIndexObject";
    }
  }
  interface Env extends Cloudflare.Env {}
}
