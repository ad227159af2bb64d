// The router's retry of a TenantObject call (src/router/objects.ts): decided by the properties
// the runtime documents on its errors (retryable, overloaded), never by the message's
// wording, and only for a method the contract classifies safe to repeat (REPEAT in
// objects/tenant-object/contract.ts).
import { describe, expect, it } from "vitest";
import { REPEAT, type TenantObjectMethod } from "../../objects/tenant-object/contract";
import { mayRetry, retryOnReset, type TenantObjectClient } from "../../src/router/objects";

/** An error as a Durable Object stub throws it, with the runtime's properties. */
function objectError(message: string, properties: { retryable?: boolean; overloaded?: boolean } = {}): Error {
  return Object.assign(new Error(message), properties);
}

/** A stand-in object whose every method throws `errors` in turn, then answers; the calls it took. */
function scripted(errors: Error[]): { object: TenantObjectClient; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const object = new Proxy(
    {},
    {
      get:
        () =>
        async (...args: unknown[]) => {
          const error = errors[calls.length];
          calls.push(args);
          if (error) throw error;
          return "answered";
        },
    },
  ) as TenantObjectClient;
  return { object, calls };
}

/** Runs retryOnReset over status(), which throws `errors` in turn, then answers; how many calls it made. */
async function attemptsFor(errors: Error[]): Promise<{ calls: number; result: unknown }> {
  const { object, calls } = scripted(errors);
  const result = await retryOnReset(object, "status").catch((error: unknown) => error);
  return { calls: calls.length, result };
}

const reset = () => objectError("Durable Object reset because its code was updated.", { retryable: true });

describe("retryOnReset", () => {
  it("retries an error the runtime marks retryable, and answers", async () => {
    expect(await attemptsFor([reset(), reset()])).toEqual({ calls: 3, result: "answered" });
  });

  it("never retries an overloaded object, even when the error is also retryable", async () => {
    const overloaded = objectError("Durable Object is overloaded. Too many requests queued.", {
      retryable: true,
      overloaded: true,
    });
    expect(await attemptsFor([overloaded])).toEqual({ calls: 1, result: overloaded });
  });

  it("does not retry on a message that only reads like a reset", async () => {
    for (const message of [
      "Durable Object reset because its code was updated.",
      "Network connection lost.",
      "Actor evicted by test",
    ]) {
      const error = objectError(message);
      expect(await attemptsFor([error]), message).toEqual({ calls: 1, result: error });
    }
  });

  it("does not retry an error thrown by the object's own code", async () => {
    const error = Object.assign(new Error("No such post"), { remote: true });
    expect(await attemptsFor([error])).toEqual({ calls: 1, result: error });
  });

  it("gives up after four calls, with the last error", async () => {
    const errors = Array.from({ length: 5 }, (_, i) => objectError(`lost ${i}`, { retryable: true }));
    expect(await attemptsFor(errors)).toEqual({ calls: 4, result: errors[3] });
  });

  it("reads the properties, not their truthiness", () => {
    expect(mayRetry(objectError("x", { retryable: true }))).toBe(true);
    expect(mayRetry(Object.assign(new Error("x"), { retryable: "true" }))).toBe(false);
    expect(mayRetry(null)).toBe(false);
    expect(mayRetry("retryable")).toBe(false);
  });
});

describe("retryOnReset, by the contract's REPEAT table", () => {
  const actor = { tenantId: "ten_x", userId: null, ip: null, userAgent: null, requestId: "req" };

  it("admits no unsafe method in its type", () => {
    const { object } = scripted([]);
    // Checked by the type checker (npm run typecheck); never called.
    const _unsafe = () => [
      // @ts-expect-error beginLogin is classified unsafe: a repeat counts a second attempt.
      retryOnReset(object, "beginLogin", "a@example.com", "192.0.2.1"),
      // @ts-expect-error authenticate is classified unsafe: a repeat charges the key again.
      retryOnReset(object, "authenticate", { kind: "session", userId: "u", sessionId: "s" }, { admit: true, actor }),
    ];
    expect(typeof _unsafe).toBe("function");
  });

  it("refuses every method classified unsafe before calling it", async () => {
    const unsafe = (Object.keys(REPEAT) as TenantObjectMethod[]).filter((method) => REPEAT[method] === "unsafe");
    expect(unsafe.toSorted()).toEqual([
      "attemptTotp",
      "authenticate",
      "beginLogin",
      "createOAuthState",
      "finishLogin",
      // OAuth for MCP clients: a repeat finds the code spent, or presents the replaced refresh token.
      "redeemOAuthCode",
      "refreshOAuthGrant",
    ]);
    for (const method of unsafe) {
      const { object, calls } = scripted([]);
      // The type admits no unsafe method: only a cast gets one this far.
      await expect(retryOnReset(object, method as "status"), method).rejects.toThrow(/not safe to repeat/);
      expect(calls, method).toEqual([]);
    }
  });

  it("refuses a name the contract does not have", async () => {
    const { object, calls } = scripted([]);
    await expect(retryOnReset(object, "toString" as "status")).rejects.toThrow(/not safe to repeat/);
    expect(calls).toEqual([]);
  });

  it("makes ingestEvents again after a reset only with an Idempotency-Key", async () => {
    const keyless = scripted([reset()]);
    await expect(retryOnReset(keyless.object, "ingestEvents", [], null, actor)).rejects.toThrow(/reset/);
    expect(keyless.calls).toHaveLength(1);

    const keyed = scripted([reset()]);
    expect(await retryOnReset(keyed.object, "ingestEvents", [], "batch-1", actor)).toBe("answered");
    expect(keyed.calls).toEqual([
      [[], "batch-1", actor],
      [[], "batch-1", actor],
    ]);
  });

  it("makes publishNow again marked as a repeat, the first call unmarked", async () => {
    const { object, calls } = scripted([reset(), reset()]);
    const input = { attemptId: "post_1", accountId: "acc_1" } as Parameters<TenantObjectClient["publishNow"]>[0];
    expect(await retryOnReset(object, "publishNow", input, undefined)).toBe("answered");
    expect(calls.map(([first]) => (first as { retry?: boolean }).retry)).toEqual([undefined, true, true]);
    expect(calls.every(([first]) => (first as { attemptId: string }).attemptId === "post_1")).toBe(true);
  });
});
