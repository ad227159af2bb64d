// Who is watching the live dashboard, and ending it when their access ends.
//
// A ticket names its user (tickets.ts). The gate (src/live/party-gate.ts) redeems it
// and hands the user to the object in LIVE_USER_HEADER, a header only the gate sets;
// the object tags the socket with that user. Tags are given to acceptWebSocket, so
// they survive hibernation. Suspending or deleting a user, or suspending or deleting
// the tenant, then voids the tickets not yet spent and closes the sockets, by tag.
import type { Connection } from "partyserver";
import { LIVE_USER_HEADER } from "../../src/live/party-gate";

/** How a dashboard learns its access ended (4000-4999 are the application's; 4401 reads as 401). */
export const ACCESS_ENDED = { code: 4401, reason: "access ended: the user or tenant is no longer active" } as const;

/** Whose live access ends: one user's, or everyone's of the tenant. */
export type LiveAudience = { userId: string } | { all: true };

export function liveUserTag(userId: string): string {
  return `user:${userId}`;
}

/** The user of an upgrade request, as the gate passed it on; null without the gate. */
export function liveUserOf(request: Request): string | null {
  return request.headers.get(LIVE_USER_HEADER);
}

/** The tags of an upgrade request's socket: its user's, none without the gate's header. */
export function connectionTags(request: Request): string[] {
  const userId = liveUserOf(request);
  return userId ? [liveUserTag(userId)] : [];
}

/** Closes a dashboard's socket because its access ended (already closed is fine). */
export function endConnection(connection: Connection): void {
  try {
    connection.close(ACCESS_ENDED.code, ACCESS_ENDED.reason);
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
