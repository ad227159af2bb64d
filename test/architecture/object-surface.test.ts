// What the runtime exposes over RPC is every method and accessor on a Durable Object's
// prototype chain, whatever TypeScript calls private, inherited ones included. So every
// name on the TenantObject's chain must be one of three kinds (ARCHITECTURE.md, One
// contract): a method of its contract; one of the runtime's own entry points; or one of
// partyserver's members, which the object makes its own properties so that the runtime
// refuses them over RPC (objects/tenant-object/rpc-surface.ts). Its internals live in
// private (#) fields, which the runtime does not expose, and the hooks tests use are
// functions, not methods (objects/tenant-object/test-hooks.ts).
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Server } from "partyserver";
import { describe, expect, it } from "vitest";
import { TENANT_OBJECT_METHODS } from "../../objects/tenant-object/contract";
import {
  PARTYSERVER_MEMBERS_OFF_RPC,
  prototypeChainNames,
  RUNTIME_ENTRY_POINTS,
} from "../../objects/tenant-object/rpc-surface";
import { TenantObject } from "../../objects/tenant-object/tenant-object";

/**
 * The entry points the runtime itself calls, the only inherited names left reachable
 * on the prototype: `fetch` serves HTTP (the live-socket upgrade partyserver handles);
 * `alarm` runs the one alarm (ARCHITECTURE.md, One alarm); the three webSocket* handlers
 * take a hibernated socket's message, close and error. The runtime refuses all but
 * `fetch` over RPC by name.
 */
const ENTRY_POINTS = ["alarm", "fetch", "webSocketClose", "webSocketError", "webSocketMessage"];

/**
 * partyserver's members the router must never call, each refused over RPC below. Listed
 * so that a partyserver upgrade that adds or drops one shows here; the object keeps
 * every such member off RPC whether or not it is listed (rpc-surface.ts).
 */
const REFUSED = [
  "__unsafe_ensureInitialized",
  "_initAndFetch",
  "broadcast",
  "getConnection",
  "getConnectionTags",
  "getConnections",
  "name",
  "onAlarm",
  "onClose",
  "onConnect",
  "onError",
  "onException",
  "onMessage",
  "onRequest",
  "onStart",
  "setName",
  "sql",
];

/** A stub that can name anything, as a caller holding the binding could. */
function anyStub(name: string): Record<string, (...args: unknown[]) => Promise<unknown>> {
  return env.TenantObject.getByName(name) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
}

/**
 * What calling `method` over RPC ends with: the error's message, or "answered". (In
 * tests, the vitest plugin's stand-in for the object's RPC side also logs each refusal
 * as an "uncaught exception"; workerd refuses the same names, worker-rpc.c++.)
 */
async function rpcCall(stub: ReturnType<typeof anyStub>, method: string, ...args: unknown[]): Promise<string> {
  try {
    await stub[method]?.(...args);
    return "answered";
  } catch (error) {
    return String(error);
  }
}

describe("the TenantObject's RPC surface", () => {
  const chain = prototypeChainNames(TenantObject.prototype);
  const contract: readonly string[] = TENANT_OBJECT_METHODS;

  it("is the contract's methods, the runtime's entry points and partyserver's members kept off RPC", () => {
    expect([...RUNTIME_ENTRY_POINTS].toSorted()).toEqual(ENTRY_POINTS);
    expect([...PARTYSERVER_MEMBERS_OFF_RPC].toSorted()).toEqual(REFUSED);
    for (const name of chain) {
      const kinds = [contract.includes(name), ENTRY_POINTS.includes(name), REFUSED.includes(name)];
      expect(kinds.filter(Boolean).length, `${name}: exactly one of contract, entry point, refused`).toBe(1);
    }
    for (const name of [...contract, ...ENTRY_POINTS, ...REFUSED]) expect(chain, name).toContain(name);
  });

  it("declares every contract method on the class itself, as a method, not an accessor", () => {
    for (const name of contract) {
      const descriptor = Object.getOwnPropertyDescriptor(TenantObject.prototype, name);
      expect(typeof descriptor?.value, name).toBe("function");
      expect(name in Server.prototype, `${name} shadows a partyserver member`).toBe(false);
    }
    // Nothing else of its own but partyserver's hooks it overrides (kept off RPC like the rest).
    const own = Object.getOwnPropertyNames(TenantObject.prototype).filter((name) => name !== "constructor");
    for (const name of own) expect(contract.includes(name) || REFUSED.includes(name), name).toBe(true);
  });

  it("holds partyserver's members as the instance's own, bound to the same code", async () => {
    await runInDurableObject(env.TenantObject.getByName(`surface-${crypto.randomUUID()}`), (instance: TenantObject) => {
      for (const name of REFUSED) expect(Object.hasOwn(instance, name), name).toBe(true);
      for (const name of [...contract, ...ENTRY_POINTS]) expect(Object.hasOwn(instance, name), name).toBe(false);
      // What the object and partyserver call through them still works from inside.
      expect(instance.name).toMatch(/^surface-/);
      expect([...instance.getConnections()]).toEqual([]);
      instance.broadcast("no one is listening");
    });
  });

  it("refuses every one of partyserver's members over RPC", async () => {
    const stub = anyStub(`surface-${crypto.randomUUID()}`);
    // `name` is the stub's own property (the name it was got by): an RPC caller cannot even ask for it.
    for (const name of REFUSED.filter((member) => member !== "name")) {
      expect(await rpcCall(stub, name, "x"), name).toBe(
        `TypeError: The RPC receiver does not implement the method "${name}".`,
      );
    }
    // In particular: no broadcast to a tenant's dashboards, no renaming its object.
    expect(await rpcCall(stub, "broadcast", "x")).toMatch(/TypeError/);
    expect(await rpcCall(stub, "setName", "x")).toMatch(/TypeError/);
  });

  it("leaves the runtime's entry points to the runtime: RPC refuses them by name", async () => {
    const stub = anyStub(`surface-${crypto.randomUUID()}`);
    for (const name of ENTRY_POINTS.filter((entry) => entry !== "fetch")) {
      expect(await rpcCall(stub, name), name).toBe(
        `TypeError: '${name}' is a reserved method and cannot be called over RPC.`,
      );
    }
  });

  it("answers the contract over RPC, status writing nothing", async () => {
    const name = `surface-${crypto.randomUUID()}`;
    const status = await anyStub(name).status?.();
    expect(status).toEqual({ tenantId: name, schemaVersion: expect.any(Number) });
    const meta = await runInDurableObject(env.TenantObject.getByName(name), (_o: TenantObject, state) =>
      state.storage.sql.exec<{ key: string }>("SELECT key FROM meta WHERE key = 'created_at'").toArray(),
    );
    expect(meta).toEqual([]);
  });
});
