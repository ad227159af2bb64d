// Live-dashboard tickets: a WebSocket cannot send an Authorization header, so a
// signed-in client first asks for a ticket (POST /v1/live/ticket), good once, for
// one minute, and only at its own tenant's object.
import { randomBytes, toBase64Url } from "../../src/crypto/encoding";

export const TICKET_TTL_MS = 60_000;

export function issueTicket(sql: SqlStorage, userId: string, nowMs: number): { ticket: string; expiresAtMs: number } {
  sql.exec("DELETE FROM live_tickets WHERE expires_at_ms <= ?", nowMs);
  const ticket = toBase64Url(randomBytes(32));
  const expiresAtMs = nowMs + TICKET_TTL_MS;
  sql.exec("INSERT INTO live_tickets (ticket, user_id, expires_at_ms) VALUES (?, ?, ?)", ticket, userId, expiresAtMs);
  return { ticket, expiresAtMs };
}

/** The ticket's user, once; null for an unknown, used or expired ticket. */
export function redeemTicket(sql: SqlStorage, ticket: string, nowMs: number): string | null {
  const row = sql
    .exec<{ user_id: string; expires_at_ms: number }>(
      "DELETE FROM live_tickets WHERE ticket = ? RETURNING user_id, expires_at_ms",
      ticket,
    )
    .toArray()[0];
  return row && row.expires_at_ms > nowMs ? row.user_id : null;
}
