// A person's rights over their data in a tenant (docs/privacy.md, "A person's rights"):
// their data (GET /v1/users/{id}/export) for themselves, an owner or an admin, and their
// erasure (POST /v1/users/{id}/erase) by themselves or an owner or admin (only an owner
// erases an owner). The erasure is one D1 batch (src/core/privacy/person-erasure.ts)
// that also records the job rewriting their archived audit days (erasure-jobs.ts); then
// the TenantObject ends their sessions, tickets and sockets, forgets what it keeps of
// them, scrubs their stored requests and starts the job; then the shard is scrubbed once
// more, for what the object wrote to it in between. Both are audited; an erasure's audit
// row names the person by their pseudonym only.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { canAssignRole } from "../../core/auth/permissions";
import { isoNow } from "../../core/clock";
import { tenantCipher } from "../../core/crypto/tenant-cipher";
import { auditStatement } from "../../core/db/audit-logs";
import { isTriggerAbort } from "../../core/db/errors";
import { LAST_OWNER_ERROR } from "../../core/db/users";
import { regionOfShard } from "../../core/placement/shards";
import { erasureJobStatement } from "../../core/privacy/erasure-jobs";
import { type ArchiveCursor, personArchivePage } from "../../core/privacy/person-archive";
import { findPerson, PERSON_TABLES, personProfile, personRowsPage } from "../../core/privacy/person-data";
import { personErasureStatements, personScrubStatements } from "../../core/privacy/person-erasure";
import { erasedPseudonym } from "../../core/privacy/pseudonym";
import type { ExportObject } from "../../core/privacy/row-encoding";
import { WITHHELD_COLUMNS } from "../../core/privacy/withheld-columns";
import { archiveBucket } from "../../core/retention/archive-bucket";
import { guard } from "../auth/guard";
import type { AppEnv } from "../http/app-env";
import { createRouter } from "../http/app-env";
import { auditActor, commitAudited } from "../http/audit";
import { decodeCursor, encodeCursor } from "../http/cursor";
import { ErasureSchema, PersonDataSchema, PersonParams, PersonQuery } from "../http/privacy-schemas";
import { ProblemError } from "../http/problem";
import { caller, callerObject } from "../http/request-context";
import { problemResponseSpec } from "../http/schemas";
import { retryOnReset } from "../objects";

const security = [{ bearerAuth: [] }];
const errors = {
  400: problemResponseSpec("Invalid input"),
  401: problemResponseSpec("No valid credential"),
  403: problemResponseSpec("Not the person, nor an owner or admin who may"),
  404: problemResponseSpec("No such user in this tenant"),
};

const exportRoute = createRoute({
  method: "get",
  path: "/v1/users/{id}/export",
  operationId: "export_user",
  tags: ["Privacy"],
  summary: "A person's data: their user row, sessions, keys, audit rows and authorship (the person, owner, admin)",
  security,
  middleware: guard("users.export", { action: "user.export", resource: "user", idParam: "id" }),
  request: { params: PersonParams, query: PersonQuery },
  responses: {
    200: { description: "A page of the person's data", content: { "application/json": { schema: PersonDataSchema } } },
    ...errors,
  },
});

const eraseRoute = createRoute({
  method: "post",
  path: "/v1/users/{id}/erase",
  operationId: "erase_user",
  tags: ["Privacy"],
  summary: "Erase a person (themselves, an owner or admin; signed in): their trail stays, under a pseudonym",
  security,
  middleware: guard("users.erase", { action: "user.erase", resource: "user", idParam: "id" }),
  request: { params: PersonParams },
  responses: {
    200: { description: "Erased", content: { "application/json": { schema: ErasureSchema } } },
    409: problemResponseSpec("The tenant's last active owner cannot be erased"),
    ...errors,
  },
});

/** Where each table's next page starts, by table name (and the archive's, by ARCHIVED). */
const PersonCursor = z.record(z.string(), z.union([z.string(), z.number()]));

/** The records' key of the person's audit rows archived to R2 (src/core/privacy/person-archive.ts). */
const ARCHIVED = "archived_audit_logs";

const ArchiveCursorSchema = z.union([
  z.object({ afterKey: z.string() }),
  z.object({ day: z.string(), timestamp: z.string(), logId: z.string() }),
]);

/** The archive cursor kept in the person's cursor (JSON text); a cursor that is not one is bad input. */
function archiveCursorOf(value: string | number | undefined): ArchiveCursor | null {
  if (value === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(value));
  } catch {
    parsed = null;
  }
  const cursor = ArchiveCursorSchema.safeParse(parsed);
  if (!cursor.success) {
    throw new ProblemError("validation", 'query field "cursor": not a cursor this list returned', {
      errors: [{ in: "query", field: "cursor", message: "Invalid cursor" }],
    });
  }
  return cursor.data;
}

/** The person themselves, or an owner or admin; the person exists in this tenant (404 first). */
async function personFor(c: Context<AppEnv>, id: string, manage: boolean) {
  const { user, scope } = caller(c);
  const target = await findPerson(scope, id);
  if (!target) throw new ProblemError("notFound", "No such user");
  const self = user.userId === id;
  const elevated = user.role === "owner" || user.role === "admin";
  // An admin may not erase an owner (as they may not remove one: canAssignRole).
  if (!self && (!elevated || (manage && !canAssignRole(user.role, target.role)))) {
    throw new ProblemError(
      "forbidden",
      manage
        ? "Only the person, an owner, or an admin for a member who is not an owner may erase a person"
        : "Only the person, an owner or an admin may read a person's data",
    );
  }
  return { target, self };
}

const iso = (ms: number) => new Date(ms).toISOString();

export const userPrivacyRoutes = createRouter()
  .openapi(exportRoute, async (c) => {
    const { scope } = caller(c);
    const { id } = c.req.valid("param");
    const query = c.req.valid("query");
    const { target } = await personFor(c, id, false);
    const after = decodeCursor(query.cursor, PersonCursor);
    const first = after === undefined;
    const records: Record<string, ExportObject[]> = {};
    const next: Record<string, string | number> = {};
    for (const { table, columns } of PERSON_TABLES) {
      if (!first && !(table.name in (after ?? {}))) continue;
      const page = await personRowsPage(scope, table, columns, id, after?.[table.name] ?? null, query.limit);
      records[table.name] = page.rows;
      if (page.next !== null) next[table.name] = page.next;
    }
    // Their audit rows the retention job moved to R2, a bounded number of days a page.
    const region = regionOfShard(scope.shard);
    if (region && (first || ARCHIVED in (after ?? {}))) {
      const page = await personArchivePage(
        archiveBucket(c.env, region),
        scope.tenantId,
        id,
        archiveCursorOf(after?.[ARCHIVED]),
        query.limit,
      );
      records[ARCHIVED] = page.rows as unknown as ExportObject[];
      if (page.next !== null) next[ARCHIVED] = JSON.stringify(page.next);
    }
    const sessions = first ? await retryOnReset(await callerObject(c), "personSessions", id) : null;
    await scope.db.batch([
      auditStatement(
        scope.db,
        auditActor(c),
        { action: "user.export", resourceType: "user", resourceId: id, metadata: { page: first ? "first" : "next" } },
        isoNow(c.var.clock),
      ),
    ]);
    return c.json(
      {
        user_id: id,
        profile: first ? personProfile(target) : null,
        memberships: first
          ? [{ tenant_id: target.tenant_id, role: target.role, status: target.status, since: target.created_at }]
          : null,
        sessions: sessions?.map((s) => ({ started_at: iso(s.startedAtMs), expires_at: iso(s.expiresAtMs) })) ?? null,
        records,
        withheld: WITHHELD_COLUMNS.filter(
          (w) => w.table === "users" || PERSON_TABLES.some((p) => p.table.name === w.table),
        ),
        next_cursor: Object.keys(next).length > 0 ? encodeCursor(next) : null,
      },
      200,
    );
  })
  .openapi(eraseRoute, async (c) => {
    const { user, scope } = caller(c);
    const { id } = c.req.valid("param");
    const { target, self } = await personFor(c, id, true);
    const pseudonym = await erasedPseudonym(c.env.KMS_MASTER_KEY, user.tenantId, id);
    const nowMs = c.var.clock();
    const now = iso(nowMs);
    // The archive job's row, its e-mail and name sealed with the tenant's key, in the same batch.
    const job = await erasureJobStatement(
      scope,
      tenantCipher(c.env, user.tenantId, user.tenantKey),
      { userId: id, pseudonym, email: target.email, name: target.full_name },
      nowMs,
    );
    const statements = await personErasureStatements(scope, target, pseudonym, now, job);
    // Erasing oneself: the erasure's own row names the pseudonym, without address or browser.
    const actor = self ? { ...auditActor(c), userId: pseudonym, ip: null, userAgent: null } : auditActor(c);
    try {
      await commitAudited(
        c,
        scope.db,
        statements,
        {
          action: "user.erase",
          resourceType: "user",
          resourceId: pseudonym,
          metadata: { by: self ? "self" : user.role },
        },
        actor,
      );
    } catch (error) {
      if (isTriggerAbort(error, LAST_OWNER_ERROR)) {
        throw new ProblemError("conflict", "The tenant's last active owner cannot be erased: make another owner first");
      }
      throw error;
    }
    const { sessionsEnded } = await retryOnReset(await callerObject(c), "erasePerson", id, target.email);
    // What the object wrote to the shard before it scrubbed what it keeps (a publish's
    // record, an audit row it held) is scrubbed now: the object writes nothing of theirs after.
    await scope.db.batch(await personScrubStatements(scope, target, pseudonym));
    return c.json({ user_id: id, pseudonym, erased_at: now, sessions_ended: sessionsEnded }, 200);
  });
