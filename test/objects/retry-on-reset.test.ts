// The router's retry of a Durable Object call: decided by the properties the runtime
// documents on its errors (retryable, overloaded), never by the message's wording.
import { describe, expect, it } from "vitest";
import { mayRetry, retryOnReset } from "../../src/objects";

/** An error as a Durable Object stub throws it, with the runtime's properties. */
function objectError(message: string, properties: { retryable?: boolean; overloaded?: boolean } = {}): Error {
  return Object.assign(new Error(message), properties);
}

/** Runs retryOnReset over a call that throws `errors` in turn, then answers; how many calls it made. */
async function attemptsFor(errors: Error[]): Promise<{ calls: number; result: unknown }> {
  let calls = 0;
  const result = await retryOnReset(async () => {
    const error = errors[calls];
    calls += 1;
    if (error) throw error;
    return "answered";
  }).catch((error: unknown) => error);
  return { calls, result };
}

describe("retryOnReset", () => {
  it("retries an error the runtime marks retryable, and answers", async () => {
    const reset = objectError("Durable Object reset because its code was updated.", { retryable: true });
    expect(await attemptsFor([reset, reset])).toEqual({ calls: 3, result: "answered" });
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
      expect(await attemptsFor([error])).toEqual({ calls: 1, result: error });
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
