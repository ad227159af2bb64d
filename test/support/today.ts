// Runs first in every test file: `TEST_TODAY=2027-06-15 npm test` runs the whole
// suite inside workerd as if today were that date. Every clock the tests and the
// Worker read there (Date.now(), new Date(), the TenantObject's and the router's
// clocks, which start from them) is shifted by the same amount and keeps running, so
// a test that depends on the machine's date fails here on some day instead of in CI
// on that day. Unset, nothing changes.
//
// Why not the machine's clock: libfaketime deadlocks workerd at start-up (a futex in
// its static initialisation), so the shift is made where the JavaScript reads time.
// D1's own CURRENT_TIMESTAMP keeps the machine's time: code must not compare it with
// the Worker's clock, and a run on another date finds any that does. The runtime's
// alarms run on the machine's clock too, so the storage's alarm calls are shifted by
// the same amount (an alarm set for "in a minute" still fires in a minute).
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";

/** Set on the shifted Date: files that share a worker (vitest.config.ts) run this file each, and shift once. */
const SHIFTED = Symbol.for("test-today.shifted");

const today = env.TEST_TODAY;
if (today && !(SHIFTED in globalThis.Date)) {
  const target = Date.parse(today);
  if (!Number.isFinite(target)) throw new Error(`TEST_TODAY is not a date: ${today}`);
  const RealDate = Date;
  const offset = target - RealDate.now();
  class ShiftedDate extends RealDate {
    constructor(...args: ConstructorParameters<DateConstructor> | []) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...(args as ConstructorParameters<DateConstructor>));
    }
    static override now(): number {
      return RealDate.now() + offset;
    }
  }
  Object.defineProperty(ShiftedDate, SHIFTED, { value: true });
  globalThis.Date = ShiftedDate as DateConstructor;
  await shiftAlarms(offset);
}

/** Shifts every Durable Object storage's alarm calls by `offset` (their prototype is shared). */
async function shiftAlarms(offset: number): Promise<void> {
  const storage = await runInDurableObject(
    env.TenantObject.getByName("test-today"),
    (_o: unknown, state) => state.storage,
  );
  const proto = Object.getPrototypeOf(storage) as DurableObjectStorage & { shiftedBy?: number };
  if (proto.shiftedBy !== undefined) return;
  const { getAlarm, setAlarm } = proto;
  proto.shiftedBy = offset;
  proto.getAlarm = async function (this: DurableObjectStorage, options) {
    const at = await getAlarm.call(this, options);
    return at === null ? null : at + offset;
  };
  proto.setAlarm = function (this: DurableObjectStorage, at, options) {
    const ms = at instanceof Date ? at.getTime() : at;
    // A time long past (before the shift) is still past: the runtime takes no time <= 0.
    return setAlarm.call(this, Math.max(1, ms - offset), options);
  };
}
