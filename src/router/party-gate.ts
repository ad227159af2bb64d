// The gate in front of partyserver's /parties/<party>/<room> routes. Only the live
// dashboard WebSocket of a TenantObject is open, and only with a ticket issued by
// that very tenant's object (single use, one minute). Nothing else is reachable
// this way: no other Durable Object, no plain HTTP into an object.
import { routePartykitRequest } from "partyserver";
import { LIVE_SESSION_HEADER, LIVE_USER_HEADER } from "../../objects/tenant-object/contract";
import { idPattern } from "../core/db/ids";
import { placementOf } from "../core/placement/directory";
import { objectPlacement, tenantObjectAt } from "./objects";

function refuse(status: number, detail: string): Response {
  const type = status === 401 ? "/problems/unauthenticated" : "/problems/not-found";
  return new Response(
    JSON.stringify({ type, title: status === 401 ? "Authentication is required" : "Not found", status, detail }),
    {
      status,
      headers: { "Content-Type": "application/problem+json" },
    },
  );
}

/** The tenant a /parties/tenant-object/<tenant> path names, if it names one. */
function tenantOfPath(request: Request): string | null {
  const match = /^\/parties\/tenant-object\/([^/?#]+)\/?$/.exec(new URL(request.url).pathname);
  const room = match?.[1] ?? null;
  return room && idPattern("tenant").test(room) ? room : null;
}

/**
 * Routes a live socket to its tenant's object where the directory places it (an EU
 * tenant's object is in the `eu` jurisdiction): partyserver's router would address
 * the object by name alone, outside any jurisdiction.
 */
export async function routeParties(request: Request, env: Env): Promise<Response | null> {
  const tenantId = tenantOfPath(request);
  const placement = tenantId ? await placementOf(env, tenantId) : null;
  if (!placement) return refuse(404, "No such live channel");
  const where = objectPlacement(env, placement.region);
  return routePartykitRequest(request, env, {
    ...where,
    onBeforeConnect: async (req, lobby) => {
      if (lobby.className !== "TenantObject" || lobby.name !== placement.tenantId) {
        return refuse(404, "No such live channel");
      }
      const ticket = new URL(req.url).searchParams.get("ticket");
      if (!ticket) return refuse(401, "A ticket from POST /v1/live/ticket is required");
      const object = await tenantObjectAt(env, placement);
      const holder = await object.redeemLiveTicket(ticket);
      if (!holder)
        return refuse(
          401,
          "The ticket is unknown, used, expired or another tenant's, or its user's access or session ended",
        );
      const upgrade = new Request(req);
      upgrade.headers.set(LIVE_USER_HEADER, holder.userId);
      if (holder.sessionId) upgrade.headers.set(LIVE_SESSION_HEADER, holder.sessionId);
      else upgrade.headers.delete(LIVE_SESSION_HEADER);
      return upgrade;
    },
    onBeforeRequest: () => refuse(404, "No such route"),
  });
}
