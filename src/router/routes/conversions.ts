// Conversions: record a page view, form submission or purchase that a post brought,
// attributed across the session's touches (src/core/reports/conversion-attribution.ts);
// list and read them. POST takes an Idempotency-Key so a retried tracking call
// counts once.

import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ConversionCredit } from "../../../objects/tenant-object/contract";
import { isoNow } from "../../core/clock";
import { attributionsOf, insertAttributions } from "../../core/db/conversion-attributions";
import {
  ATTRIBUTED_TYPES,
  CONVERSION_TYPES,
  type ConversionRow,
  getConversion,
  getConversionByKey,
  insertConversion,
  listConversions,
  type NewConversion,
} from "../../core/db/conversions";
import { isUniqueViolation } from "../../core/db/errors";
import { newId } from "../../core/db/ids";
import { iso } from "../../core/db/time";
import { invalidField } from "../../core/field-error";
import { attributionRows } from "../../core/reports/conversion-attribution";
import { conversionSummary, toConversion } from "../../core/reports/conversion-view";
import { assertPublishedPosts } from "../../core/reports/post-checks";
import { guard } from "../auth/guard";
import type { AppEnv } from "../http/app-env";
import { createRouter } from "../http/app-env";
import { commitAudited } from "../http/audit";
import { idField, idParam } from "../http/content-schemas";
import {
  CLOCK_SKEW_MS,
  ConversionSchema,
  ConversionSummarySchema,
  CreateConversion,
  IdempotencyHeader,
} from "../http/conversion-schemas";
import { decodeCursor, PageQuery, pageOf } from "../http/cursor";
import { pageSchema } from "../http/identity-schemas";
import { bearer, jsonBody, jsonResponse, problems } from "../http/openapi-parts";
import { ProblemError } from "../http/problem";
import { caller, callerObject, settlePosts } from "../http/request-context";
import { problemResponseSpec } from "../http/schemas";
import { retryOnReset } from "../objects";

const NOT_FOUND = "No such conversion";

const createConversionRoute = createRoute({
  method: "post",
  path: "/v1/conversions",
  operationId: "create_conversion",
  tags: ["Reports"],
  summary: "Record a conversion and attribute it across the session's touches",
  description:
    "A page view is a touch: it names the post that brought the visitor. A form submission or purchase is attributed across the session's page views of the last 30 days (at most the latest 99) and itself, by first-touch, last-touch, linear and time-decay (7-day half-life) models; each model's weights sum to 1.",
  security: bearer,
  middleware: guard("analytics.write", { action: "conversion.create", resource: "conversion" }),
  request: { headers: IdempotencyHeader, ...jsonBody(CreateConversion) },
  responses: {
    201: jsonResponse("Recorded (or, for a repeated Idempotency-Key, recorded before)", ConversionSchema),
    404: problemResponseSpec("No such post in this tenant"),
    422: problemResponseSpec("The Idempotency-Key was used for a different conversion"),
    ...problems(),
  },
});

const listRoute = createRoute({
  method: "get",
  path: "/v1/conversions",
  operationId: "list_conversions",
  tags: ["Reports"],
  summary: "Conversions of the tenant, newest first (attribution: GET one)",
  security: bearer,
  middleware: guard("analytics.read", { action: "conversion.list", resource: "conversion" }),
  request: {
    query: PageQuery.extend({
      post_id: idField("post").optional(),
      session_id: z.string().min(1).max(128).optional(),
      type: z.enum(CONVERSION_TYPES).optional(),
    }),
  },
  responses: {
    200: jsonResponse("A page of conversions", pageSchema(ConversionSummarySchema, "ConversionPage")),
    ...problems(),
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/v1/conversions/{id}",
  operationId: "get_conversion",
  tags: ["Reports"],
  summary: "One conversion with its attribution",
  security: bearer,
  middleware: guard("analytics.read", { action: "conversion.read", resource: "conversion", idParam: "id" }),
  request: { params: z.object({ id: idParam("conversion") }) },
  responses: { 200: jsonResponse("The conversion", ConversionSchema), ...problems(NOT_FOUND) },
});

type Body = z.infer<typeof CreateConversion>;

function rowOf(body: Body, id: string, trackedAt: string, key: string | null): NewConversion {
  const attributed = ATTRIBUTED_TYPES.includes(body.type);
  return {
    conversion_id: id,
    post_id: body.post_id,
    user_id: body.visitor_id ?? null,
    session_id: body.session_id ?? null,
    conversion_type: body.type,
    value: body.value,
    utm_source: body.utm?.source ?? null,
    utm_medium: body.utm?.medium ?? null,
    utm_campaign: body.utm?.campaign ?? null,
    utm_content: body.utm?.content ?? null,
    utm_term: body.utm?.term ?? null,
    // The seed's single-model columns keep a true statement: the row's own post is
    // the last touch and earns all of it under last_touch. Every model's full
    // credit is in conversion_attributions.
    attribution_model: attributed ? "last_touch" : null,
    attribution_weight: attributed ? 1 : null,
    tracked_at: trackedAt,
    idempotency_key: key,
  };
}

const COMPARED = [
  "post_id",
  "user_id",
  "session_id",
  "conversion_type",
  "value",
  "utm_source",
  "utm_medium",
  "utm_campaign",
  "utm_content",
  "utm_term",
] as const;

/** The first answer for a repeated key, or 422 when the key came with another conversion. */
async function replay(c: Context<AppEnv>, stored: ConversionRow, asked: NewConversion, body: Body) {
  const differs =
    COMPARED.some((column) => stored[column] !== asked[column]) ||
    (body.tracked_at !== undefined && stored.tracked_at !== asked.tracked_at);
  if (differs) {
    throw new ProblemError("idempotencyMismatch", "This Idempotency-Key was used for a different conversion");
  }
  const attribution = (await attributionsOf(caller(c).scope, [stored.conversion_id])).get(stored.conversion_id);
  return c.json(toConversion(stored, attribution), 201, { "Idempotent-Replayed": "true" });
}

/**
 * After D1 has the conversion, the TenantObject's ROI totals take its credit. D1 is
 * the record: when the object cannot be reached the conversion stands, and the
 * ledger's daily rebuild from D1 counts it (objects/analytics/campaign-rebuild.ts).
 */
async function creditCampaigns(c: Context<AppEnv>, credit: ConversionCredit): Promise<void> {
  try {
    const object = await callerObject(c);
    await retryOnReset(object, "creditConversion", credit);
  } catch (error) {
    console.error(`conversion ${credit.conversionId}: ROI totals not credited; the daily rebuild will`, error);
  }
}

const Cursor = z.object({ id: z.string() });

export const conversionsRoutes = createRouter()
  .openapi(createConversionRoute, async (c) => {
    const { scope } = caller(c);
    const body = c.req.valid("json");
    const key = c.req.valid("header")["idempotency-key"] ?? null;
    const id = newId("conversion");
    const trackedAt = body.tracked_at ? new Date(body.tracked_at).toISOString() : isoNow(c.var.clock);
    const row = rowOf(body, id, trackedAt, key);
    if (key) {
      const stored = await getConversionByKey(scope, key);
      if (stored) return replay(c, stored, row, body);
    }
    const published = (
      await assertPublishedPosts(
        scope,
        [body.post_id],
        () => "post_id",
        () => settlePosts(c),
      )
    ).get(body.post_id);
    // A post cannot bring a visitor before it exists (the platform's clock may differ a little).
    if (Date.parse(trackedAt) < Date.parse(iso(published as string)) - CLOCK_SKEW_MS) {
      throw invalidField("tracked_at", "before the post was published");
    }
    const credit = ATTRIBUTED_TYPES.includes(body.type)
      ? await attributionRows(scope, { conversionId: id, postId: body.post_id, sessionId: row.session_id, trackedAt })
      : [];
    const statements = [insertConversion(scope, row)];
    if (credit.length > 0) statements.push(insertAttributions(scope, id, credit));
    try {
      await commitAudited(c, scope.db, statements, {
        action: "conversion.create",
        resourceType: "conversion",
        resourceId: id,
        metadata: {
          type: body.type,
          post_id: body.post_id,
          touches: credit.filter((row) => row.model === "linear").length,
        },
      });
    } catch (error) {
      // A concurrent request with the same key recorded it first: answer as a repeat.
      const stored = key && isUniqueViolation(error) ? await getConversionByKey(scope, key) : null;
      if (stored) return replay(c, stored, row, body);
      throw error;
    }
    await creditCampaigns(c, {
      conversionId: id,
      type: body.type,
      postId: body.post_id,
      value: body.value,
      touches: credit.map((touch) => ({ postId: touch.post_id, model: touch.model, weight: touch.weight })),
    });
    const saved = (await getConversion(scope, id)) as ConversionRow;
    c.header("Location", `/v1/conversions/${id}`);
    return c.json(toConversion(saved, (await attributionsOf(scope, [id])).get(id)), 201);
  })
  .openapi(listRoute, async (c) => {
    const { scope } = caller(c);
    const query = c.req.valid("query");
    const page = await listConversions(
      scope,
      { postId: query.post_id, sessionId: query.session_id, type: query.type },
      { beforeId: decodeCursor(query.cursor, Cursor)?.id, limit: query.limit },
    );
    // Without attribution: a page could otherwise carry 100 conversions × 400 credit
    // rows. GET /v1/conversions/{id} shows it.
    return c.json(
      pageOf(
        page.rows.map((r) => conversionSummary(r)),
        page.hasMore,
        (last) => ({ id: last.id }),
      ),
      200,
    );
  })
  .openapi(getRoute, async (c) => {
    const { scope } = caller(c);
    const { id } = c.req.valid("param");
    const row = await getConversion(scope, id);
    if (!row) throw new ProblemError("notFound", NOT_FOUND);
    return c.json(toConversion(row, (await attributionsOf(scope, [id])).get(id)), 200);
  });
