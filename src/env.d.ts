// The bindings the Worker and its Durable Objects receive. Secrets come from
// `.dev.vars` locally (written by `npm start`), `wrangler secret put` in production,
// and the vitest config in tests.
import type { TenantObjectBinding } from "../objects/tenant-object/contract";
import type { SandboxPlatformBinding } from "./core/sandbox/platform-object";
import type { VectorIndexStoreBinding } from "./core/vector/embedded-index";
import type { DeliveryMessage } from "./core/webhooks/queue";
import type { WebhookReceiverBinding } from "./core/webhooks/receiver";

declare global {
  namespace Cloudflare {
    interface Env {
      /** The global D1: the directory and the shared skill registry (migrations/global). */
      DB: D1Database;
      /**
       * Regional shards holding tenant-owned rows (migrations/tenant), bound as
       * SHARD_<REGION>_<N>; found by name (src/core/placement/shards.ts), listed here for
       * the ones wrangler.toml declares today.
       */
      SHARD_EU_WEST_1: D1Database;
      SHARD_EU_WEST_2: D1Database;
      SHARD_US_EAST_1: D1Database;
      SHARD_AP_SOUTHEAST_1: D1Database;
      /**
       * Each region's archive (R2): audit rows past their retention, as gzip NDJSON per
       * tenant and day (src/core/retention). Found by name (src/core/retention/archive-bucket.ts);
       * the EU bucket is in R2's `eu` jurisdiction.
       */
      ARCHIVE_EU_WEST: R2Bucket;
      ARCHIVE_US_EAST: R2Bucket;
      ARCHIVE_AP_SOUTHEAST: R2Bucket;
      ASSETS: Fetcher;
      /** Typed by the contract alone (objects/tenant-object/contract.ts): what the router may call. */
      TenantObject: DurableObjectNamespace<TenantObjectBinding>;
      /**
       * The sandbox platforms: bound only in development mode (wrangler.toml [env.dev]),
       * never in production (src/core/platforms/mode.ts).
       */
      SandboxPlatform?: DurableObjectNamespace<SandboxPlatformBinding>;
      /**
       * The development receiver of outgoing webhooks (src/core/webhooks/receiver.ts): bound
       * only in development mode, like the sandbox platforms.
       */
      WebhookReceiver?: DurableObjectNamespace<WebhookReceiverBinding>;
      /** The outgoing webhooks' delivery queue (docs/webhooks.md): producer here, consumer in the Worker. */
      WEBHOOK_DELIVERIES: Queue<DeliveryMessage>;
      /** The embedded vector index, used for any index without a Vectorize binding. */
      VectorIndexObject: DurableObjectNamespace<VectorIndexStoreBinding>;
      /** Vectorize indexes (production only; see README). Absent: the embedded index. */
      VECTORIZE_BRAND_VOICE?: Vectorize;
      VECTORIZE_SKILLS?: Vectorize;
      VECTORIZE_KNOWLEDGE?: Vectorize;
      /** "sandbox" (development mode, with the SandboxPlatform binding) or anything else: live. */
      PLATFORM_MODE?: string;
      /**
       * "not-in-workerd" in development mode only: workerd has no Durable Object
       * jurisdictions, so EU objects get their location hint alone (src/router/objects.ts).
       */
      DO_JURISDICTIONS?: string;
      /**
       * PBKDF2 iterations of new password hashes, fewer than the default 100,000: the test
       * suite's alone (src/core/auth/passwords.ts); `npm run deploy:check` refuses it.
       */
      PASSWORD_ITERATIONS?: string;
      /** Deadline of one platform call, in milliseconds (default 10000). */
      PLATFORM_TIMEOUT_MS?: string;
      /** How long a publish waits for media still processing before answering 202 (ms, default 10000; src/core/platforms/processing-wait.ts). */
      PLATFORM_PROCESSING_WAIT_MS?: string;
      /** LinkedIn-Version (YYYYMM) the LinkedIn adapter asks for; default in src/core/platforms/linkedin-version.ts. */
      LINKEDIN_VERSION?: string;
      /** "on": the app has LinkedIn's approval for member post statistics (src/core/platforms/config.ts); else off. */
      LINKEDIN_POST_ANALYTICS?: string;
      /** How often an Instagram video container is polled (ms, default 60000). */
      INSTAGRAM_CONTAINER_POLL_MS?: string;
      /** How long an Instagram video container may process before the post fails (ms, default 300000). */
      INSTAGRAM_CONTAINER_DEADLINE_MS?: string;
      /** Public origin of the API, for sandbox URLs opened outside a request (alarms). */
      PUBLIC_ORIGIN?: string;
      LINKEDIN_CLIENT_ID?: string;
      LINKEDIN_CLIENT_SECRET?: string;
      X_CLIENT_ID?: string;
      X_CLIENT_SECRET?: string;
      FACEBOOK_APP_ID?: string;
      FACEBOOK_APP_SECRET?: string;
      INSTAGRAM_APP_ID?: string;
      INSTAGRAM_APP_SECRET?: string;
      /**
       * The signing secret (whsec_…) of the Stripe webhook endpoint (docs/billing.md). Unset
       * or empty, POST /v1/billing/stripe/webhook applies nothing (503).
       */
      STRIPE_WEBHOOK_SECRET?: string;
      /** Which tier each Stripe price buys: a JSON object, price id to tier (src/core/billing/price-tiers.ts). */
      STRIPE_PRICE_TIERS?: string;
      /** Bearer token of the platform operator. */
      ADMIN_TOKEN: string;
      /** Master secret from which every tenant key is derived (base64, 32 bytes). */
      KMS_MASTER_KEY: string;
      /** Signs session tokens and live tickets (base64, 32 bytes). */
      SESSION_SECRET: string;
    }
  }
  interface Env extends Cloudflare.Env {}
}
