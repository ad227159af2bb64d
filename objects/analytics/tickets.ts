// Live-dashboard tickets: a WebSocket cannot send an Authorization header, so a
// signed-in client first asks for a ticket (POST /v1/live/ticket), good once, for
// one minute, and only at its own tenant's object. A ticket asked for with a session
// remembers it (session_id; NULL for an API key), so ending the session voids it
// (live-access.ts) and its socket is tagged with the session.
import { randomBytes, toBase64Url } from "../../src/core/crypto/encoding";
import type { LiveHolder } from "../tenant-object/contract";

export const TICKET_TTL_MS = 60_000;

export function issueTicket(
  sql: SqlStorage,
  holder: LiveHolder,
  nowMs: number,
): { ticket: string; expiresAtMs: number } {
  sql.exec("DELETE FROM live_tickets WHERE expires_at_ms <= ?", nowMs);
  const ticket = toBase64Url(randomBytes(32));
  const expiresAtMs = nowMs + TICKET_TTL_MS;
  sql.exec(
    "INSERT INTO live_tickets (ticket, user_id, session_id, expires_at_ms) VALUES (?, ?, ?, ?)",
    ticket,
    holder.userId,
    holder.sessionId,
    expiresAtMs,
  );
  return { ticket, expiresAtMs };
}

/** The ticket's holder, once; null for an unknown, used or expired ticket. */
export function redeemTicket(sql: SqlStorage, ticket: string, nowMs: number): LiveHolder | null {
  const row = sql
    .exec<{ user_id: string; session_id: string | null; expires_at_ms: number }>(
      "DELETE FROM live_tickets WHERE ticket = ? RETURNING user_id, session_id, expires_at_ms",
      ticket,
    )
    .toArray()[0];
  return row && row.expires_at_ms > nowMs ? { userId: row.user_id, sessionId: row.session_id } : null;
}
