/// <reference types="vite/client" />
// Bindings that exist only in tests (vitest.config.ts).
import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      /** migrations/global, for the global database (DB). */
      TEST_MIGRATIONS_GLOBAL: D1Migration[];
      /** migrations/tenant, for every shard. */
      TEST_MIGRATIONS_TENANT: D1Migration[];
      /** "1": the deeper mode (docs/testing.md), the fuzzer's and the security matrix's long runs; empty: the default. */
      DEEP: string;
      /** Runs per operation for the fuzzer (test/fuzz); empty: the default (more with DEEP). */
      FUZZ_RUNS: string;
      /** The fuzzer's seed; empty: the fixed default. */
      FUZZ_SEED: string;
      /** Runs the suite as if today were this date (test/support/today.ts); empty: the machine's. */
      TEST_TODAY: string;
    }
  }
}
