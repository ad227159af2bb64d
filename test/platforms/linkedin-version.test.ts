// The LinkedIn version a development deployment asks for (src/core/platforms/linkedin-version.ts)
// must be one LinkedIn serves on that day, whatever the day: the sandbox refuses a version
// not yet released or sunset, as LinkedIn does.
import { describe, expect, it } from "vitest";
import { isActiveLinkedInVersion, linkedInVersionFor } from "../../src/core/platforms/linkedin-version";

const DAY_MS = 86_400_000;

describe("the LinkedIn version of a day", () => {
  it("is active on every day of two years, at the first and last minute of each", () => {
    const start = Date.UTC(2026, 11, 1);
    for (let day = 0; day < 731; day++) {
      for (const nowMs of [start + day * DAY_MS, start + (day + 1) * DAY_MS - 60_000]) {
        const version = linkedInVersionFor(nowMs);
        expect(isActiveLinkedInVersion(version, nowMs), `${new Date(nowMs).toISOString()}: ${version}`).toBe(true);
      }
    }
  });

  it("is the month before today's, across a year's end", () => {
    expect(linkedInVersionFor(Date.UTC(2027, 0, 1))).toBe("202612");
    expect(linkedInVersionFor(Date.UTC(2027, 11, 31, 23, 59))).toBe("202711");
  });

  it("a version LinkedIn has sunset, or not yet released, is not active", () => {
    const nowMs = Date.UTC(2027, 5, 15);
    expect(isActiveLinkedInVersion("202605", nowMs)).toBe(false);
    expect(isActiveLinkedInVersion("202707", nowMs)).toBe(false);
    expect(isActiveLinkedInVersion("202606", nowMs)).toBe(false);
    expect(isActiveLinkedInVersion("202607", nowMs)).toBe(true);
  });
});
