// What a caller may reach on a TenantObject over RPC (ARCHITECTURE.md, One contract):
// the contract's methods and the runtime's own entry points, nothing else.
//
// The runtime exposes every member of a Durable Object's prototype chain over RPC, and
// the TenantObject inherits partyserver's Server: broadcast, setName, getConnection(s),
// sql, the hooks (onStart, onConnect, onMessage, onClose, onError, onRequest,
// onException, onAlarm, getConnectionTags) and the rest would all be callable by
// anyone holding a stub. They cannot simply be overridden to throw: partyserver calls
// the hooks itself (this.onConnect(...) from fetch, this.onAlarm() from alarm, ...),
// and the object broadcasts and finds its sockets with them.
//
// What the runtime does not do is call an instance's OWN property over RPC: a name the
// instance holds itself is refused ("The RPC receiver does not implement the method",
// workerd's worker-rpc.c++, tryGetProperty: "We do NOT allow own properties, only
// class properties"), while JavaScript inside the object finds the own property first.
// So each such member is copied onto the instance as an own property bound to it: the
// object's own calls and partyserver's reach the same code as before, and an RPC call
// by that name is refused. test/architecture/object-surface.test.ts holds the class to
// this, calling each one over RPC.
import { Server } from "partyserver";

/**
 * The runtime's entry points, left on the prototype: the runtime itself calls them
 * for a request, an alarm or a hibernated socket's event, so they must stay reachable
 * there. None of them is a way in for an RPC caller: `fetch` is the HTTP handler (the
 * live-socket upgrade, src/router/party-gate.ts), and the runtime refuses the others by
 * name over RPC ("'alarm' is a reserved method and cannot be called over RPC").
 */
export const RUNTIME_ENTRY_POINTS = ["fetch", "alarm", "webSocketMessage", "webSocketClose", "webSocketError"] as const;

/** Every name on a prototype chain, from `prototype` up to (not including) Object.prototype. */
export function prototypeChainNames(prototype: object): string[] {
  const names = new Set<string>();
  for (let p: object | null = prototype; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) if (name !== "constructor") names.add(name);
  }
  return [...names];
}

/** partyserver's members (Server's prototype chain) kept off RPC: all but the entry points. */
export const PARTYSERVER_MEMBERS_OFF_RPC: readonly string[] = prototypeChainNames(Server.prototype).filter(
  (name) => !(RUNTIME_ENTRY_POINTS as readonly string[]).includes(name),
);

/** The descriptor `name` has on `prototype`'s chain (the nearest: an override wins). */
function inherited(prototype: object, name: string): PropertyDescriptor {
  for (let p: object | null = prototype; p !== null; p = Object.getPrototypeOf(p)) {
    const descriptor = Object.getOwnPropertyDescriptor(p, name);
    if (descriptor) return descriptor;
  }
  throw new Error(`no member ${name} on the prototype chain`);
}

/**
 * Makes each of partyserver's members but the entry points an own property of
 * `instance`, bound to it (an accessor stays an accessor): the same code for calls
 * made inside the object, refused by the runtime over RPC. Called first thing in the
 * constructor, before anything can call them.
 */
export function keepPartyserverOffRpc(instance: Server<Env>): void {
  const prototype: object = Object.getPrototypeOf(instance);
  for (const name of PARTYSERVER_MEMBERS_OFF_RPC) {
    const descriptor = inherited(prototype, name);
    const { value, get, set } = descriptor;
    const own: PropertyDescriptor =
      "value" in descriptor
        ? { value: typeof value === "function" ? value.bind(instance) : value, writable: false }
        : { get: get?.bind(instance), set: set?.bind(instance) };
    Object.defineProperty(instance, name, { ...own, enumerable: false, configurable: false });
  }
}
