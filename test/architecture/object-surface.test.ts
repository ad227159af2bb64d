// What the runtime exposes over RPC is every method and accessor on a Durable Object's
// prototype, whatever TypeScript calls private. So the TenantObject's own prototype
// must hold exactly its contract's methods, plus the partyserver hooks it overrides;
// its internals live in private (#) fields, which the runtime does not expose.
import { Server } from "partyserver";
import { describe, expect, it } from "vitest";
import { TENANT_OBJECT_METHODS } from "../../objects/tenant-object/contract";
import { TenantObject } from "../../objects/tenant-object/tenant-object";

/** partyserver's lifecycle hooks the class overrides: called by partyserver, not the router. */
const PARTYSERVER_HOOKS = ["getConnectionTags", "onAlarm", "onConnect"];

describe("the TenantObject's public surface", () => {
  const own = Object.getOwnPropertyNames(TenantObject.prototype).filter((name) => name !== "constructor");

  it("is the contract's methods, and partyserver's hooks", () => {
    const hooks = own.filter((name) => name in Server.prototype);
    expect(hooks.toSorted()).toEqual(PARTYSERVER_HOOKS);
    expect(own.filter((name) => !hooks.includes(name)).toSorted()).toEqual([...TENANT_OBJECT_METHODS].toSorted());
  });

  it("has a method, not an accessor, for every name the contract lists", () => {
    for (const name of TENANT_OBJECT_METHODS) {
      const descriptor = Object.getOwnPropertyDescriptor(TenantObject.prototype, name);
      expect(typeof descriptor?.value, name).toBe("function");
    }
  });
});
