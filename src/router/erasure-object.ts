// What the erasure (src/core/erasure) needs of the router: reaching the tenant's
// TenantObject to erase its storage. The core reaches no object (ARCHITECTURE.md,
// Three layers), so the router hands it this. The directory no longer places the tenant
// by then, so the object is addressed by the region the erasure's record kept.
import type { ErasureDeps } from "../core/erasure/context";
import { retryOnReset, tenantObjectAt } from "./objects";

export function erasureDeps(env: Env): ErasureDeps {
  return {
    async eraseObject(placement) {
      await retryOnReset(await tenantObjectAt(env, placement), "eraseStorage");
    },
  };
}
