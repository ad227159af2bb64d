// Wall-clock times in an IANA time zone, with the runtime's own zone data
// (Intl.DateTimeFormat: workerd carries ICU's), so no zone table of ours can fall
// behind. A post configuration's best posting times ("09:00" in Europe/London) are
// wall times: the instant they name moves with daylight saving, and this module finds
// it (docs/publishing.md, Post configurations and best times).

const DAY_MS = 86_400_000;
const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** A wall time of a zone: calendar fields as the zone's clocks show them. */
interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

// One formatter per zone: making one is the costly part, and what it formats is the
// same for every request (ARCHITECTURE.md, Request state).
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Whether the runtime knows `timeZone` as an IANA zone name. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall time (to the second, as ms "as if UTC") the zone's clocks show at `atMs`. */
function wallMsAt(atMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(atMs)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return Date.UTC(
    parts.year as number,
    (parts.month as number) - 1,
    parts.day as number,
    parts.hour as number,
    parts.minute as number,
    parts.second as number,
  );
}

/** The zone's offset from UTC at `atMs` (ms, east positive), to the second. */
export function offsetAt(atMs: number, timeZone: string): number {
  const wholeSecond = Math.floor(atMs / 1000) * 1000;
  return wallMsAt(wholeSecond, timeZone) - wholeSecond;
}

/** The calendar day the zone's clocks show at `atMs`. */
function dayAt(atMs: number, timeZone: string): { year: number; month: number; day: number } {
  const wall = new Date(wallMsAt(atMs, timeZone));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

/**
 * The instant a wall time names in `timeZone`. Where the clocks go back it names two
 * instants: the earlier is taken (the first time the clocks show it). Where they go
 * forward it names none: the wall time is moved on by the gap (01:30 on the day
 * London springs forward is 02:30 BST, the instant 01:30 UTC), as Temporal's
 * "compatible" disambiguation and RFC 5545 do.
 */
export function instantOf(wall: WallTime, timeZone: string): number {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  // No zone changes its offset twice within two days: the offsets a day either side
  // are the only ones the wall time can be read with.
  const before = offsetAt(asUtc - DAY_MS, timeZone);
  const after = offsetAt(asUtc + DAY_MS, timeZone);
  const candidates = [...new Set([asUtc - before, asUtc - after])]
    .filter((at) => at + offsetAt(at, timeZone) === asUtc)
    .sort((a, b) => a - b);
  return candidates[0] ?? asUtc - before;
}

/** "HH:MM" as hour and minute; null when it is not a 24-hour time. */
export function parseClockTime(time: string): { hour: number; minute: number } | null {
  const match = HH_MM.exec(time);
  return match ? { hour: Number(match[1]), minute: Number(match[2]) } : null;
}

/**
 * The first instant at or after `fromMs` whose wall time in `timeZone` is one of
 * `times` ("HH:MM"), or null when `times` holds none. Looks eight calendar days
 * ahead, enough for a time on each day, on any side of a clock change.
 */
export function nextWallTime(fromMs: number, timeZone: string, times: readonly string[]): number | null {
  const clock = times.map(parseClockTime).filter((t): t is { hour: number; minute: number } => t !== null);
  if (clock.length === 0) return null;
  const start = dayAt(fromMs, timeZone);
  let best: number | null = null;
  for (let days = 0; days <= 8; days++) {
    // Date.UTC carries a day past the month's end into the next month.
    const date = new Date(Date.UTC(start.year, start.month - 1, start.day + days));
    for (const { hour, minute } of clock) {
      const at = instantOf(
        { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour, minute },
        timeZone,
      );
      if (at >= fromMs && (best === null || at < best)) best = at;
    }
    // Wall times map to instants in order (the rule of instantOf keeps it so), so
    // every time of a later day is later than one found on this one.
    if (best !== null) break;
  }
  return best;
}
