// scheduled_at "best" (docs/publishing.md, Post configurations and best times): the
// next of the configuration's best posting times for the platform, in its IANA zone,
// across daylight-saving changes in Europe/London and America/New_York. The wall-time
// arithmetic on fixed dates; the route on the tenant's object clock, moved to the eve of
// the zone's next clock change (worked out from the zone's published rule, not from
// the code under test), so it holds on any date.
import { describe, expect, it } from "vitest";
import { BEST_TIME_LEAD_MS } from "../../objects/publishing/post-configuration";
import { instantOf, nextWallTime, offsetAt } from "../../src/core/zoned-time";
import { connectAccount, publishBody, sandbox, sandboxUserOf } from "../support/accounts";
import { call, json } from "../support/http";
import { advanceObjectClock, makeDue, objectNow, runTimersNow } from "../support/objects";
import { createTenant, type TestTenant } from "../support/tenants";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe("wall times in a zone", () => {
  it("find the next best time on either side of each clock change", () => {
    const cases: [label: string, zone: string, from: string, times: string[], expected: string][] = [
      // London, spring 2026: clocks go forward at 01:00 UTC on Sunday 29 March.
      ["London Saturday, still GMT", "Europe/London", "2026-03-28T06:00:00Z", ["09:00"], "2026-03-28T09:00:00.000Z"],
      ["London Sunday 09:00 is BST", "Europe/London", "2026-03-28T12:00:00Z", ["09:00"], "2026-03-29T08:00:00.000Z"],
      [
        "London 01:30 does not exist: 02:30 BST",
        "Europe/London",
        "2026-03-28T12:00:00Z",
        ["01:30"],
        "2026-03-29T01:30:00.000Z",
      ],
      [
        "London Monday after the change",
        "Europe/London",
        "2026-03-29T08:00:01Z",
        ["09:00"],
        "2026-03-30T08:00:00.000Z",
      ],
      // London, autumn 2026: clocks go back at 01:00 UTC on Sunday 25 October.
      ["London Saturday, still BST", "Europe/London", "2026-10-24T06:00:00Z", ["09:00"], "2026-10-24T08:00:00.000Z"],
      ["London Sunday 09:00 is GMT", "Europe/London", "2026-10-24T10:00:00Z", ["09:00"], "2026-10-25T09:00:00.000Z"],
      ["London 01:30 twice: the first", "Europe/London", "2026-10-24T12:00:00Z", ["01:30"], "2026-10-25T00:30:00.000Z"],
      [
        "London 01:30 the second time is not next",
        "Europe/London",
        "2026-10-25T00:30:01Z",
        ["01:30"],
        "2026-10-26T01:30:00.000Z",
      ],
      // New York, spring 2026: 02:00 EST becomes 03:00 EDT on Sunday 8 March (07:00 UTC).
      ["New York Saturday, EST", "America/New_York", "2026-03-07T12:00:00Z", ["09:00"], "2026-03-07T14:00:00.000Z"],
      [
        "New York Sunday 09:00 is EDT",
        "America/New_York",
        "2026-03-07T15:00:00Z",
        ["09:00"],
        "2026-03-08T13:00:00.000Z",
      ],
      [
        "New York 02:30 does not exist: 03:30 EDT",
        "America/New_York",
        "2026-03-07T15:00:00Z",
        ["02:30"],
        "2026-03-08T07:30:00.000Z",
      ],
      // New York, autumn 2026: 02:00 EDT becomes 01:00 EST on Sunday 1 November (06:00 UTC).
      [
        "New York Saturday, EDT, across the month's end",
        "America/New_York",
        "2026-10-31T14:00:00Z",
        ["09:00"],
        "2026-11-01T14:00:00.000Z",
      ],
      [
        "New York 01:30 twice: the first",
        "America/New_York",
        "2026-10-31T14:00:00Z",
        ["01:30"],
        "2026-11-01T05:30:00.000Z",
      ],
      // Several times a day: the soonest still ahead.
      [
        "the soonest of several",
        "Europe/London",
        "2026-03-29T08:30:00Z",
        ["17:30", "09:00", "12:00"],
        "2026-03-29T11:00:00.000Z",
      ],
      ["UTC", "UTC", "2026-03-29T23:59:00Z", ["00:00"], "2026-03-30T00:00:00.000Z"],
    ];
    for (const [label, zone, from, times, expected] of cases) {
      expect(iso(nextWallTime(at(from), zone, times)), label).toBe(expected);
    }
    expect(nextWallTime(at("2026-03-29T08:30:00Z"), "Europe/London", []), "no times").toBeNull();
    expect(nextWallTime(at("2026-03-29T08:30:00Z"), "Europe/London", ["9am"]), "not HH:MM").toBeNull();
  });

  it("read the zone's offset, and name a wall time's instant", () => {
    expect(offsetAt(at("2026-03-29T00:59:59Z"), "Europe/London")).toBe(0);
    expect(offsetAt(at("2026-03-29T01:00:00Z"), "Europe/London")).toBe(HOUR);
    expect(offsetAt(at("2026-11-01T05:59:59Z"), "America/New_York")).toBe(-4 * HOUR);
    expect(offsetAt(at("2026-11-01T06:00:00Z"), "America/New_York")).toBe(-5 * HOUR);
    const wall = { year: 2026, month: 7, day: 1, hour: 9, minute: 0 };
    expect(iso(instantOf(wall, "Europe/London"))).toBe("2026-07-01T08:00:00.000Z");
    expect(iso(instantOf(wall, "America/New_York"))).toBe("2026-07-01T13:00:00.000Z");
    expect(iso(instantOf(wall, "Asia/Kolkata"))).toBe("2026-07-01T03:30:00.000Z");
  });
});

/** The n-th (1-based; -1: last) Sunday of a month, as a UTC midnight. */
function sunday(year: number, month: number, n: number): number {
  if (n === -1) {
    const last = new Date(Date.UTC(year, month, 0));
    return last.getTime() - last.getUTCDay() * DAY;
  }
  const first = new Date(Date.UTC(year, month - 1, 1));
  return first.getTime() + (((7 - first.getUTCDay()) % 7) + (n - 1) * 7) * DAY;
}

interface ClockChange {
  /** The Sunday of the change (UTC midnight). */
  day: number;
  /** The zone's offset from UTC after the change. */
  after: number;
}

/**
 * The zone's clock changes by its rule: the EU's at 01:00 UTC on the last Sundays of
 * March and October; the United States' at 02:00 local on the second Sunday of March
 * and the first of November.
 */
function changes(zone: "Europe/London" | "America/New_York", year: number): ClockChange[] {
  return zone === "Europe/London"
    ? [
        { day: sunday(year, 3, -1), after: HOUR },
        { day: sunday(year, 10, -1), after: 0 },
      ]
    : [
        { day: sunday(year, 3, 2), after: -4 * HOUR },
        { day: sunday(year, 11, 1), after: -5 * HOUR },
      ];
}

/** The zone's first clock change whose eve is still ahead of `nowMs`. */
function nextChange(zone: "Europe/London" | "America/New_York", nowMs: number): ClockChange {
  const year = new Date(nowMs).getUTCFullYear();
  const all = [...changes(zone, year), ...changes(zone, year + 1)];
  return all.find((change) => change.day - DAY > nowMs + DAY) as ClockChange;
}

async function bestTimesTenant(zone: string) {
  const tenant = await createTenant();
  // X: its adapter sends no dated API version, which a sandbox on the machine's date
  // would refuse from an object whose clock is months ahead (LinkedIn-Version).
  const account = await connectAccount(tenant.ownerKey, "twitter");
  const res = await call("/v1/post-configurations", {
    token: tenant.ownerKey,
    body: { name: "Mornings", platforms: ["twitter"], best_posting_times: { twitter: ["09:00"] }, timezone: zone },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return { tenant, account };
}

async function scheduleBest(tenant: TestTenant, body: Record<string, unknown>) {
  const res = await call("/v1/posts", { token: tenant.ownerKey, body: { ...body, scheduled_at: "best" } });
  expect(res.status, await res.clone().text()).toBe(202);
  return json<{ id: string; status: string; scheduled_at: string; text: string }>(res);
}

describe('scheduled_at "best"', () => {
  for (const [zone, eveUtcHour] of [
    ["Europe/London", 12],
    ["America/New_York", 15],
  ] as const) {
    it(`picks 09:00 in ${zone} on the day its clocks change, and the lead time skips a slot too close`, async () => {
      const { tenant, account } = await bestTimesTenant(zone);
      const change = nextChange(zone, await objectNow(tenant.tenantId));
      // The eve of the change, after that day's 09:00: the next 09:00 is on the day of the change.
      await advanceObjectClock(tenant.tenantId, change.day - DAY + eveUtcHour * HOUR);
      const nineOnTheDay = change.day + 9 * HOUR - change.after;
      const first = await scheduleBest(tenant, publishBody(account, { text: "On the day" }));
      expect(first.status).toBe("scheduled");
      expect(first.scheduled_at).toBe(new Date(nineOnTheDay).toISOString());
      // Four minutes before it: inside the lead time, so the next day's 09:00 (same offset).
      await advanceObjectClock(tenant.tenantId, nineOnTheDay - BEST_TIME_LEAD_MS + 60_000);
      const second = await scheduleBest(tenant, publishBody(account, { text: "The day after" }));
      expect(second.scheduled_at).toBe(new Date(nineOnTheDay + DAY).toISOString());
      // Fired when its time comes, at that time.
      await makeDue(tenant.tenantId, second.id);
      await runTimersNow(tenant.tenantId, ["publish-due"]);
      const sent = (await sandbox("twitter").posts(sandboxUserOf(account))).map((post) => post.text);
      expect(sent).toEqual(["On the day", "The day after"]);
      const fired = await json<{ status: string; published_at: string }>(
        await call(`/v1/posts/${second.id}`, { token: tenant.ownerKey }),
      );
      expect(fired.status).toBe("published");
      expect(Date.parse(fired.published_at)).toBeGreaterThanOrEqual(nineOnTheDay + DAY);
    });
  }

  it("is a 400 naming scheduled_at without a configuration or without times for the platform", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "twitter");
    const post = () =>
      call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account, { scheduled_at: "best" }) });
    const none = await post();
    expect(none.status).toBe(400);
    expect((await json<{ errors: { field: string }[] }>(none)).errors.map((e) => e.field)).toEqual(["scheduled_at"]);
    await call("/v1/post-configurations", {
      token: tenant.ownerKey,
      body: {
        name: "LinkedIn only times",
        platforms: ["twitter", "linkedin"],
        best_posting_times: { linkedin: ["09:00"] },
      },
    });
    const noTimes = await post();
    expect(noTimes.status).toBe(400);
    const problem = await json<{ errors: { field: string; message: string }[] }>(noTimes);
    expect(problem.errors).toEqual([
      { in: "body", field: "scheduled_at", message: expect.stringContaining("no best_posting_times for twitter") },
    ]);
    expect(await sandbox("twitter").posts(sandboxUserOf(account))).toEqual([]);
  });

  it("takes only HH:MM times and a known zone when a configuration is written (400 naming the field)", async () => {
    const tenant = await createTenant();
    const cases: [Record<string, unknown>, string][] = [
      [{ best_posting_times: { linkedin: ["9:00"] } }, "best_posting_times.linkedin.0"],
      [{ best_posting_times: { linkedin: ["09:00", "24:00"] } }, "best_posting_times.linkedin.1"],
      [{ best_posting_times: { myspace: ["09:00"] } }, "best_posting_times.myspace"],
      [{ best_posting_times: ["09:00"] }, "best_posting_times"],
      [{ timezone: "Europe/Lndon" }, "timezone"],
    ];
    for (const [body, field] of cases) {
      const res = await call("/v1/post-configurations", {
        token: tenant.ownerKey,
        body: { name: "Bad", platforms: ["linkedin"], ...body },
      });
      expect(res.status, field).toBe(400);
      const fields = (await json<{ errors: { field: string }[] }>(res)).errors.map((e) => e.field);
      expect(fields, field).toContain(field);
    }
    const list = await json<{ data: unknown[] }>(await call("/v1/post-configurations", { token: tenant.ownerKey }));
    expect(list.data).toEqual([]);
  });
});
