// Time is injected: every component that reads the clock is given one, so tests set
// the time instead of sleeping through it or writing timestamps into tables, and
// the suite passes on any date.
//
// A clock answers milliseconds since the epoch. Production uses the system's; the
// TenantObject's clock in development mode carries an offset kept in its own storage
// (objects/storage/object-clock.ts), and the router's comes from createApp.

/** Milliseconds since the epoch, as this component sees them. */
export type Clock = () => number;

/** The machine's clock. */
export const systemClock: Clock = () => Date.now();

/** The clock's time as ISO 8601 UTC with milliseconds. */
export function isoNow(clock: Clock): string {
  return new Date(clock()).toISOString();
}
