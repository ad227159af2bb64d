// POST /v1/live/ticket: a single-use, one-minute ticket to open the tenant's live
// WebSocket (browsers cannot send an Authorization header on a WebSocket). A ticket
// asked for with a session token belongs to that session: its socket closes when the
// session ends (objects/analytics/live-access.ts).
import { createRoute, z } from "@hono/zod-openapi";
import { guard } from "../auth/guard";
import { createRouter } from "../http/app-env";
import { caller, callerObject } from "../http/request-context";
import { problemResponseSpec } from "../http/schemas";
import { retryOnReset } from "../objects";

const Ticket = z
  .object({
    ticket: z.string(),
    expires_at: z.string().openapi({ format: "date-time" }),
    url: z
      .string()
      .openapi({ description: "Open a WebSocket here (partysocket: party tenant-object, room the tenant id)" }),
  })
  .openapi("LiveTicket");

const route = createRoute({
  method: "post",
  path: "/v1/live/ticket",
  operationId: "create_live_ticket",
  tags: ["Analytics"],
  summary: "A ticket for the live dashboard WebSocket",
  security: [{ bearerAuth: [] }],
  middleware: guard("analytics.read", { action: "live.ticket", resource: "live" }),
  responses: {
    201: { description: "Good once, for a minute", content: { "application/json": { schema: Ticket } } },
    401: problemResponseSpec("No valid credential"),
    403: problemResponseSpec("Role or scope does not allow it"),
  },
});

export const liveRoutes = createRouter().openapi(route, async (c) => {
  const { user } = caller(c);
  const object = await callerObject(c);
  const { ticket, expiresAtMs } = await retryOnReset(object, "liveTicket", {
    userId: user.userId,
    sessionId: user.sessionId,
  });
  const url = `/parties/tenant-object/${user.tenantId}?ticket=${encodeURIComponent(ticket)}`;
  return c.json({ ticket, expires_at: new Date(expiresAtMs).toISOString(), url }, 201);
});
