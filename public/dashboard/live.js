// The live connection: a partysocket to the tenant's object, reopened with a fresh
// ticket each time (tickets are single use), feeding the dashboard's state.
import PartySocket from "/vendor/partysocket/index.js";
import { liveTicket } from "./api.js";

export function connect({ key, tenantId, firstTicket, onMessage, onState, onUnauthorized }) {
  let unused = firstTicket;
  const socket = new PartySocket({
    host: location.host,
    party: "tenant-object",
    room: tenantId,
    // Asked anew before every (re)connect.
    query: async () => {
      if (unused) {
        const ticket = unused;
        unused = null;
        return { ticket };
      }
      try {
        return { ticket: (await liveTicket(key)).ticket };
      } catch (error) {
        if (error.status === 401 || error.status === 403) onUnauthorized(error);
        throw error;
      }
    },
  });
  socket.addEventListener("open", () => onState("live"));
  socket.addEventListener("close", () => onState("reconnecting"));
  socket.addEventListener("message", (event) => {
    onMessage(JSON.parse(event.data));
  });
  return socket;
}

/** The tenant a ticket's socket URL names (/parties/tenant-object/<tenant>?ticket=...). */
export function tenantOf(ticketUrl) {
  return decodeURIComponent(new URL(ticketUrl, location.origin).pathname.split("/")[3] ?? "");
}
