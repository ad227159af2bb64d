// Who is watching the live dashboard, and ending it when their access ends.
//
// A ticket names its user, and the session it was asked for with if any (tickets.ts).
// The gate (src/router/party-gate.ts) redeems it and hands both to the object in
// LIVE_USER_HEADER and LIVE_SESSION_HEADER, headers only the gate sets; the object tags
// the socket with them. Tags are given to acceptWebSocket, so they survive
// hibernation. Suspending or deleting a user, or suspending or deleting the tenant,
// then voids the tickets not yet spent and closes the sockets, by tag; so does ending
// a session, for that session's tickets and sockets only (an API key's stay).
import type { Connection } from "partyserver";
import { LIVE_SESSION_HEADER, LIVE_USER_HEADER } from "../tenant-object/contract";

/** How a dashboard learns its access ended (4000-4999 are the application's; 4401 reads as 401). */
export const ACCESS_ENDED = { code: 4401, reason: "access ended: the user or tenant is no longer active" } as const;

/** The same close for a socket whose session ended (signed out, password or MFA changed, reset). */
export const SESSION_ENDED = { code: ACCESS_ENDED.code, reason: "access ended: the session ended" } as const;

type EndedWhy = typeof ACCESS_ENDED | typeof SESSION_ENDED;

/** Whose live access ends: one user's, or everyone's of the tenant. */
export type LiveAudience = { userId: string } | { all: true };

export function liveUserTag(userId: string): string {
  return `user:${userId}`;
}

/** The user of an upgrade request, as the gate passed it on; null without the gate. */
export function liveUserOf(request: Request): string | null {
  return request.headers.get(LIVE_USER_HEADER);
}

export function liveSessionTag(sessionId: string): string {
  return `session:${sessionId}`;
}

/** The session of an upgrade request, as the gate passed it on; null for an API key's ticket. */
export function liveSessionOf(request: Request): string | null {
  return request.headers.get(LIVE_SESSION_HEADER);
}

/** The tags of an upgrade request's socket: its user's and session's, none without the gate's header. */
export function connectionTags(request: Request): string[] {
  const userId = liveUserOf(request);
  if (!userId) return [];
  const sessionId = liveSessionOf(request);
  return sessionId ? [liveUserTag(userId), liveSessionTag(sessionId)] : [liveUserTag(userId)];
}

/** Closes a dashboard's socket because its access ended (already closed is fine). */
export function endConnection(connection: Connection, why: EndedWhy = ACCESS_ENDED): void {
  try {
    connection.close(why.code, why.reason);
  } catch (error) {
    console.warn(`live socket ${connection.id} was already closed`, error);
  }
}

/**
 * Voids the audience's unspent tickets and closes its sockets; how many sockets.
 * `connections(tag)` lists the object's sockets, all of them without a tag.
 */
export function endLiveAccess(
  sql: SqlStorage,
  audience: LiveAudience,
  connections: (tag?: string) => Iterable<Connection>,
): number {
  if ("all" in audience) sql.exec("DELETE FROM live_tickets");
  else sql.exec("DELETE FROM live_tickets WHERE user_id = ?", audience.userId);
  let closed = 0;
  for (const connection of connections("all" in audience ? undefined : liveUserTag(audience.userId))) {
    endConnection(connection);
    closed += 1;
  }
  return closed;
}

/**
 * Sessions ended: voids their unspent tickets and closes the sockets opened with them
 * (by their session tag, so an API key's socket of the same user stays); how many sockets.
 */
export function endSessionsLiveAccess(
  sql: SqlStorage,
  sessionIds: readonly string[],
  connections: (tag: string) => Iterable<Connection>,
): number {
  if (sessionIds.length === 0) return 0;
  sql.exec("DELETE FROM live_tickets WHERE session_id IN (SELECT value FROM json_each(?))", JSON.stringify(sessionIds));
  let closed = 0;
  for (const sessionId of sessionIds) {
    for (const connection of connections(liveSessionTag(sessionId))) {
      endConnection(connection, SESSION_ENDED);
      closed += 1;
    }
  }
  return closed;
}
