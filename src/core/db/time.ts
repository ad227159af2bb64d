// Timestamps are stored and returned as ISO 8601 UTC with milliseconds. Rows filled
// by a column's DEFAULT CURRENT_TIMESTAMP ("YYYY-MM-DD HH:MM:SS") are normalised on
// the way out.
import { isoNow, systemClock } from "../clock";

/** The machine's time as ISO 8601: for jobs given no clock (src/core/clock.ts's isoNow otherwise). */
export function nowIso(): string {
  return isoNow(systemClock);
}

export function isoOrNull(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)) return `${value.replace(" ", "T")}.000Z`;
  return value;
}

export function iso(value: string): string {
  return isoOrNull(value) as string;
}
