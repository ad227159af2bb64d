// Each TenantObject's parts (./parts.ts), by instance, for code that runs inside the
// object without being one of its methods: the test and benchmark hooks of
// ./test-hooks.ts. Neither on the class's prototype nor on the instance, so the runtime
// exposes nothing of it over RPC (ARCHITECTURE.md, One contract); the router never
// holds an instance, only stubs.
import type { TenantParts } from "./parts";

const partsByInstance = new WeakMap<object, TenantParts>();

/** Called once by the TenantObject's constructor. */
export function keepParts(instance: object, parts: TenantParts): void {
  partsByInstance.set(instance, parts);
}

/** The parts of a TenantObject instance. */
export function partsOf(instance: object): TenantParts {
  const parts = partsByInstance.get(instance);
  if (!parts) throw new Error("not a TenantObject instance");
  return parts;
}
