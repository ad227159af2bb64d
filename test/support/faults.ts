// Faults for the fault matrix: a TenantObject reset at one of its named checkpoints
// (objects/tenant-object/fault-points.ts), and its D1 failing on one statement of a batch.
// The objects run in the tests' isolate, so the hook set here is the one their
// checkpoints call. One fault at a time: run these cases one after another.
import { runInDurableObject } from "cloudflare:test";
import { vi } from "vitest";
import { type FaultPointName, setFaultHook } from "../../objects/tenant-object/fault-points";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { unfenced } from "./databases";
import { objectShardDb, tenantObjectOf } from "./objects";

export interface ArmedFault {
  /** How many times the point was reached. */
  hits(): number;
  /** Whether the fault fired. */
  fired(): boolean;
}

function arm(point: FaultPointName, hit: number, act: () => Promise<void>): ArmedFault {
  let hits = 0;
  let fired = false;
  setFaultHook((name) => {
    if (name !== point) return undefined;
    hits += 1;
    if (hits !== hit || fired) return undefined;
    fired = true;
    return act();
  });
  return { hits: () => hits, fired: () => fired };
}

/** Clears every fault set here (call it in afterEach). */
export function clearFaults(): void {
  setFaultHook(null);
  vi.restoreAllMocks();
}

/**
 * Resets the tenant's object the `hit`-th time it reaches `point`: the run stops
 * there for good, what the object held in memory is gone, its storage keeps what
 * was written, and its callers get what a reset gives them in production (an error
 * with `retryable` and `durableObjectReset`). The object is reset by the runtime
 * itself: an error thrown in blockConcurrencyWhile resets it, and one marked
 * retryable travels as a disconnection.
 */
export async function resetAt(tenantId: string, point: FaultPointName, hit = 1): Promise<ArmedFault> {
  const state = await runInDurableObject(tenantObjectOf(tenantId), (_o: TenantObject, s) => s);
  return arm(point, hit, () => {
    state
      .blockConcurrencyWhile(async () => {
        throw Object.assign(new Error(`reset at ${point} (fault matrix)`), { retryable: true });
      })
      .catch(() => undefined);
    // This run never goes on.
    return new Promise<void>(() => undefined);
  });
}

/** How a D1 batch goes wrong. */
export type D1Fault =
  /** D1 refuses statement `index`: the batch rolls back, as a D1 batch does. */
  | { kind: "statement"; index: number }
  /** D1 commits the batch, but its answer is lost: the caller sees an error. */
  | { kind: "answer-lost" };

/**
 * Makes the tenant's object's D1 batches go wrong as `fault` says, every batch from
 * the one after `point` is next reached (the object's first batch after it) until
 * `restore`. The batches are the object's writes to its tenant's shard: the global
 * database is left alone. Returns how many batches went wrong, and the batches'
 * statement counts as the object made them (its scope's residency fence not counted).
 */
export async function failD1After(
  tenantId: string,
  point: FaultPointName,
  fault: D1Fault,
): Promise<{ failed: () => number; sizes: number[]; restore: () => void }> {
  const db = await objectShardDb(tenantId);
  const real = db.batch.bind(db);
  let armed = false;
  let failed = 0;
  const sizes: number[] = [];
  setFaultHook((name) => {
    if (name === point) armed = true;
    return undefined;
  });
  const spy = vi.spyOn(db, "batch").mockImplementation(async (statements) => {
    if (!armed) return real(statements);
    const made = unfenced(statements);
    const fence = statements.slice(0, statements.length - made.length);
    sizes.push(made.length);
    failed += 1;
    if (fault.kind === "answer-lost") {
      await real(statements);
      throw new Error("D1_ERROR: Network connection lost (fault matrix; the batch was committed)");
    }
    // A statement that fails when D1 runs it, in the place of the one named.
    const refused = made.map((statement, i) =>
      i === fault.index ? db.prepare("INSERT INTO fault_matrix_no_such_table VALUES (1)") : statement,
    );
    return real([...fence, ...refused]);
  });
  return {
    failed: () => failed,
    sizes,
    restore: () => {
      armed = false;
      setFaultHook(null);
      spy.mockRestore();
    },
  };
}

/** A run held at `point` until released: what else happens meanwhile is the test's. */
export interface HeldRun {
  /** Resolves when the run reached the point. */
  reached: Promise<void>;
  release(): void;
}

/** Holds the first run that reaches `point` (any tenant's object) until `release`. */
export function holdAt(point: FaultPointName): HeldRun {
  let reached!: () => void;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const held: HeldRun = { reached: new Promise<void>((resolve) => (reached = resolve)), release: () => release() };
  arm(point, 1, () => {
    reached();
    return gate;
  });
  return held;
}

/** Makes every run that reaches `point` fail there, as an unreachable object would. */
export function failAt(point: FaultPointName): ArmedFault {
  let hits = 0;
  setFaultHook((name) => {
    if (name !== point) return undefined;
    hits += 1;
    return Promise.reject(new Error(`failed at ${point} (fault matrix)`));
  });
  return { hits: () => hits, fired: () => hits > 0 };
}
