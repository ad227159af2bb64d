// GET /v1/audit-logs: the tenant's audit trail, newest first (owner, admin): the rows
// in D1 and the days the retention job archived to R2, as one listing.
import { createRoute, z } from "@hono/zod-openapi";
import { toAuditLog } from "../../core/db/audit-logs";
import { listAuditTrail } from "../../core/retention/archived-audit";
import { guard } from "../auth/guard";
import { createRouter } from "../http/app-env";
import { decodeCursor, encodeCursor, PageQuery } from "../http/cursor";
import { pageSchema } from "../http/identity-schemas";
import { caller } from "../http/request-context";
import { problemResponseSpec } from "../http/schemas";

const AuditLogSchema = z
  .object({
    id: z.string(),
    user_id: z.string().nullable(),
    action: z.string(),
    resource_type: z.string(),
    resource_id: z.string().nullable(),
    ip_address: z.string().nullable(),
    user_agent: z.string().nullable(),
    request_id: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()).nullable(),
    success: z.boolean(),
    error_message: z.string().nullable(),
    timestamp: z.string().openapi({ format: "date-time" }),
  })
  .openapi("AuditLog");

const isoTime = z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString());

const AuditQuery = PageQuery.extend({
  action: z.string().max(100).optional(),
  user_id: z.string().max(64).optional(),
  resource_type: z.string().max(100).optional(),
  resource_id: z.string().max(100).optional(),
  from: isoTime.optional().openapi({ description: "Inclusive lower bound (ISO 8601)" }),
  to: isoTime.optional().openapi({ description: "Exclusive upper bound (ISO 8601)" }),
  success: z.enum(["true", "false"]).optional(),
}).refine((q) => !q.from || !q.to || q.from < q.to, { message: "from must be before to", path: ["from"] });

const AuditCursor = z.object({ t: z.string(), id: z.string() });

const route = createRoute({
  method: "get",
  path: "/v1/audit-logs",
  operationId: "list_audit_logs",
  tags: ["Audit"],
  summary: "The tenant's audit trail, newest first (owner, admin); archived days included",
  description:
    "A page reads at most 31 archived days from R2 (list calls included); when it stops with older days unread, it may hold fewer rows than `limit`, even none, and `next_cursor` goes on into older days. Page until `next_cursor` is null.",
  security: [{ bearerAuth: [] }],
  middleware: guard("audit.read", { action: "audit_log.list", resource: "audit_log" }),
  request: { query: AuditQuery },
  responses: {
    200: {
      description: "A page of audit rows",
      content: { "application/json": { schema: pageSchema(AuditLogSchema, "AuditLogPage") } },
    },
    400: problemResponseSpec("Invalid filter or cursor"),
    401: problemResponseSpec("No valid credential"),
    403: problemResponseSpec("Only owners and admins read the audit trail"),
  },
});

export const auditLogsRoutes = createRouter().openapi(route, async (c) => {
  const { scope } = caller(c);
  const query = c.req.valid("query");
  const after = decodeCursor(query.cursor, AuditCursor);
  const page = await listAuditTrail(
    c.env,
    scope,
    {
      action: query.action,
      userId: query.user_id,
      resourceType: query.resource_type,
      resourceId: query.resource_id,
      from: query.from,
      to: query.to,
      success: query.success === undefined ? undefined : query.success === "true",
    },
    { after: after ? { timestamp: after.t, logId: after.id } : undefined, limit: query.limit },
  );
  // The cursor is set by the listing, not the page's last row: a page that stopped at its
  // archive read budget may hold fewer rows than `limit`, even none, and still go on.
  const next = page.next ? encodeCursor({ t: page.next.timestamp, id: page.next.logId }) : null;
  return c.json({ data: page.rows.map(toAuditLog), next_cursor: next }, 200);
});
