// The sandbox's clock. Instagram takes tens of seconds to minutes to process a video
// container, X and LinkedIn a video; LinkedIn's refresh token lives 365 days and an
// access token 60. Tests cannot wait minutes or days, so the sandbox measures media
// processing and token lifetimes on its own clock, which the control panel can move
// forward (POST /sandbox/{platform}/_control/clock, or SandboxPlatform.advanceClock).
// Engagement, authorization codes and the LinkedIn-Version window keep real time.

export function sandboxNow(sql: SqlStorage): number {
  const row = sql.exec<{ value: string }>("SELECT value FROM settings WHERE key = 'clock_offset_ms'").toArray()[0];
  return Date.now() + Number(row?.value ?? 0);
}

/** Moves the processing clock `ms` forward; the new offset. */
export function advanceClock(sql: SqlStorage, ms: number): number {
  return sql
    .exec<{ value: string }>(
      `INSERT INTO settings (key, value) VALUES ('clock_offset_ms', ?)
       ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + CAST(excluded.value AS INTEGER) AS TEXT)
       RETURNING value`,
      String(Math.max(0, Math.floor(ms))),
    )
    .one().value as unknown as number;
}
