// A TOTP code is good once: the last accepted time step per user is kept, and a
// step at or before it is refused (RFC 6238 §5.2).

export function claimTotpStep(sql: SqlStorage, userId: string, step: number): boolean {
  const claimed = sql
    .exec<{ user_id: string }>(
      `INSERT INTO totp_steps (user_id, last_step) VALUES (?, ?)
       ON CONFLICT(user_id) DO UPDATE SET last_step = excluded.last_step WHERE excluded.last_step > last_step
       RETURNING user_id`,
      userId,
      step,
    )
    .toArray();
  return claimed.length === 1;
}
