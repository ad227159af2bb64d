// Bindings that exist only in tests (vitest.config.ts).
import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      /** Runs per operation for the fuzzer (test/fuzz); empty: the default. */
      FUZZ_RUNS: string;
      /** The fuzzer's seed; empty: the fixed default. */
      FUZZ_SEED: string;
    }
  }
}
