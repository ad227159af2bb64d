// Post configurations of the caller's tenant. Exactly one active configuration is the
// default whenever there is an active one (src/core/db/post-configurations.ts says how
// that stays true under concurrent changes): the first one made becomes it, making
// another the default moves it, archiving or deleting the default passes it to the
// oldest active configuration left.

import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { isoNow } from "../../core/clock";
import { isForeignKeyViolation } from "../../core/db/errors";
import { newId } from "../../core/db/ids";
import {
  archiveConfiguration,
  CONFIG_STATUSES,
  configurationColumns,
  ensureDefault,
  insertConfiguration,
  makeDefault,
  POST_CONFIGURATIONS,
  type PostConfigurationRow,
  toPostConfiguration,
} from "../../core/db/post-configurations";
import { deleteRow, getRow, pageRows, updateRow } from "../../core/db/tenant-rows";
import { PLATFORMS } from "../../core/platforms/types";
import { isTimeZone } from "../../core/zoned-time";
import { guard } from "../auth/guard";
import type { AppEnv } from "../http/app-env";
import { createRouter } from "../http/app-env";
import { commitAudited } from "../http/audit";
import { idParam, ScoreField, Timestamp } from "../http/content-schemas";
import { decodeCursor, PageQuery, pageOf } from "../http/cursor";
import { pageSchema } from "../http/identity-schemas";
import { bearer, jsonBody, jsonResponse, problems } from "../http/openapi-parts";
import { ProblemError } from "../http/problem";
import { caller, callerObject } from "../http/request-context";
import { problemResponseSpec } from "../http/schemas";
import { plainText } from "../http/text-field";

const Platform = z.enum(PLATFORMS);

const fields = {
  name: plainText(1, 200),
  platforms: z
    .array(Platform)
    .min(1)
    .max(PLATFORMS.length)
    .refine((p) => new Set(p).size === p.length, "platforms must be distinct"),
  auto_generate_hashtags: z.boolean(),
  max_hashtags_per_platform: z.partialRecord(Platform, z.number().int().min(0).max(30)).nullable(),
  include_cta: z.boolean(),
  cta_default: z.string().trim().min(1).max(500).nullable(),
  best_posting_times: z
    .partialRecord(Platform, z.array(z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, "HH:MM, 24-hour")).max(24))
    .nullable(),
  timezone: z.string().max(64).refine(isTimeZone, "an IANA time zone, e.g. Europe/London"),
  min_brand_voice_score: ScoreField,
  require_guard_pass: z.boolean(),
};

const ConfigurationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    platforms: z.array(Platform),
    auto_generate_hashtags: z.boolean(),
    max_hashtags_per_platform: z.record(z.string(), z.number().int()).nullable(),
    include_cta: z.boolean(),
    cta_default: z.string().nullable(),
    best_posting_times: z.record(z.string(), z.array(z.string())).nullable(),
    timezone: z.string(),
    min_brand_voice_score: z.number(),
    require_guard_pass: z.boolean(),
    is_default: z.boolean(),
    status: z.enum(CONFIG_STATUSES),
    use_count: z.number().int(),
    last_used_at: Timestamp.nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("PostConfiguration");

const CreateConfiguration = z
  .object({
    name: fields.name,
    platforms: fields.platforms,
    auto_generate_hashtags: fields.auto_generate_hashtags.default(true),
    max_hashtags_per_platform: fields.max_hashtags_per_platform.default(null),
    include_cta: fields.include_cta.default(true),
    cta_default: fields.cta_default.default(null),
    best_posting_times: fields.best_posting_times.default(null),
    timezone: fields.timezone.default("UTC"),
    min_brand_voice_score: fields.min_brand_voice_score.default(0.8),
    require_guard_pass: fields.require_guard_pass.default(true),
    is_default: z.boolean().default(false).openapi({ description: "Make it the default (the first one always is)" }),
  })
  .strict()
  .openapi("CreatePostConfiguration");

const PatchConfiguration = z
  .object(fields)
  .partial()
  .extend({
    is_default: z
      .literal(true, { error: "only true: to stop one being the default, make another one the default" })
      .optional()
      .openapi({ description: "Make it the default; to stop one being the default, make another one the default" }),
    status: z.enum(CONFIG_STATUSES).optional(),
  })
  .strict()
  .refine((v) => Object.values(v).some((x) => x !== undefined), "give at least one field")
  .refine((v) => !(v.is_default && v.status === "archived"), {
    message: "an archived configuration cannot be the default",
    path: ["is_default"],
  })
  .openapi("PatchPostConfiguration");

type ConfigurationPatch = z.infer<typeof PatchConfiguration>;

const Params = z.object({ id: idParam("postConfiguration") });
const configurationResponse = (description: string) => jsonResponse(description, ConfigurationSchema);
const NOT_FOUND = "No such post configuration";

async function target(c: Context<AppEnv>, id: string): Promise<PostConfigurationRow> {
  const row = await getRow<PostConfigurationRow>(caller(c).scope, POST_CONFIGURATIONS, id);
  if (!row) throw new ProblemError("notFound", NOT_FOUND);
  return row;
}

const listRoute = createRoute({
  method: "get",
  path: "/v1/post-configurations",
  operationId: "list_post_configurations",
  tags: ["Post configurations"],
  summary: "Post configurations of the tenant, oldest first",
  security: bearer,
  middleware: guard("content.read", { action: "post_configuration.list", resource: "post_configuration" }),
  request: { query: PageQuery.extend({ status: z.enum(CONFIG_STATUSES).optional() }) },
  responses: {
    200: jsonResponse("A page of configurations", pageSchema(ConfigurationSchema, "PostConfigurationPage")),
    ...problems(),
  },
});

const createConfigurationRoute = createRoute({
  method: "post",
  path: "/v1/post-configurations",
  operationId: "create_post_configuration",
  tags: ["Post configurations"],
  summary: "Create a post configuration (the tenant's first becomes the default)",
  security: bearer,
  middleware: guard("content.write", { action: "post_configuration.create", resource: "post_configuration" }),
  request: jsonBody(CreateConfiguration),
  responses: { 201: configurationResponse("Created"), ...problems() },
});

const getRoute = createRoute({
  method: "get",
  path: "/v1/post-configurations/{id}",
  operationId: "get_post_configuration",
  tags: ["Post configurations"],
  summary: "One post configuration",
  security: bearer,
  middleware: guard("content.read", {
    action: "post_configuration.read",
    resource: "post_configuration",
    idParam: "id",
  }),
  request: { params: Params },
  responses: { 200: configurationResponse("The configuration"), ...problems(NOT_FOUND) },
});

const patchRoute = createRoute({
  method: "patch",
  path: "/v1/post-configurations/{id}",
  operationId: "update_post_configuration",
  tags: ["Post configurations"],
  summary: "Change, archive or make default a post configuration",
  security: bearer,
  middleware: guard("content.write", {
    action: "post_configuration.update",
    resource: "post_configuration",
    idParam: "id",
  }),
  request: { params: Params, ...jsonBody(PatchConfiguration) },
  responses: { 200: configurationResponse("Updated"), ...problems(NOT_FOUND) },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/v1/post-configurations/{id}",
  operationId: "delete_post_configuration",
  tags: ["Post configurations"],
  summary: "Delete a post configuration no content used (archive it otherwise)",
  security: bearer,
  middleware: guard("content.write", {
    action: "post_configuration.delete",
    resource: "post_configuration",
    idParam: "id",
  }),
  request: { params: Params },
  responses: {
    204: { description: "Deleted" },
    409: problemResponseSpec("Generated content used the configuration: archive it instead"),
    ...problems(NOT_FOUND),
  },
});

/** The statements of a PATCH, ending with the default repair. */
function patchStatements(c: Context<AppEnv>, id: string, patch: ConfigurationPatch, now: string) {
  const { scope } = caller(c);
  const { is_default: makeItDefault, status, ...rest } = patch;
  const columns = configurationColumns({ ...rest, status: status === "active" ? "active" : undefined });
  const statements = [updateRow(scope, POST_CONFIGURATIONS, id, columns, now)];
  if (status === "archived") statements.push(archiveConfiguration(scope, id, now));
  if (makeItDefault) statements.push(...makeDefault(scope, id, now));
  statements.push(ensureDefault(scope, now));
  return statements;
}

const Cursor = z.object({ id: z.string() });

/**
 * The tenant's object keeps its default configuration with the tenant's record, to read
 * no D1 row per publish: after every change it forgets it, so the next post applies the
 * configuration as it is now.
 */
async function configurationsChanged(c: Context<AppEnv>): Promise<void> {
  await (await callerObject(c)).forgetTenantRecord();
}

export const postConfigurationsRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const query = c.req.valid("query");
    const page = await pageRows<PostConfigurationRow>(caller(c).scope, POST_CONFIGURATIONS, {
      afterId: decodeCursor(query.cursor, Cursor)?.id,
      limit: query.limit,
      filters: { status: query.status },
    });
    return c.json(
      pageOf(page.rows.map(toPostConfiguration), page.hasMore, (last) => ({ id: last.id })),
      200,
    );
  })
  .openapi(createConfigurationRoute, async (c) => {
    const { scope } = caller(c);
    const { is_default: makeItDefault, ...fieldValues } = c.req.valid("json");
    const configId = newId("postConfiguration");
    const now = isoNow(c.var.clock);
    await commitAudited(
      c,
      scope.db,
      [
        insertConfiguration(scope, configId, fieldValues, now),
        ...(makeItDefault ? makeDefault(scope, configId, now) : []),
        ensureDefault(scope, now),
      ],
      {
        action: "post_configuration.create",
        resourceType: "post_configuration",
        resourceId: configId,
        metadata: { name: fieldValues.name, is_default: makeItDefault },
      },
    );
    await configurationsChanged(c);
    return c.json(toPostConfiguration(await target(c, configId)), 201);
  })
  .openapi(getRoute, async (c) => c.json(toPostConfiguration(await target(c, c.req.valid("param").id)), 200))
  .openapi(patchRoute, async (c) => {
    const { scope } = caller(c);
    const { id } = c.req.valid("param");
    const patch = c.req.valid("json");
    await target(c, id);
    await commitAudited(c, scope.db, patchStatements(c, id, patch, isoNow(c.var.clock)), {
      action: "post_configuration.update",
      resourceType: "post_configuration",
      resourceId: id,
      metadata: { fields: Object.keys(patch), status: patch.status, is_default: patch.is_default },
    });
    await configurationsChanged(c);
    return c.json(toPostConfiguration(await target(c, id)), 200);
  })
  .openapi(deleteRoute, async (c) => {
    const { scope } = caller(c);
    const { id } = c.req.valid("param");
    await target(c, id);
    const now = isoNow(c.var.clock);
    try {
      await commitAudited(c, scope.db, [deleteRow(scope, POST_CONFIGURATIONS, id), ensureDefault(scope, now)], {
        action: "post_configuration.delete",
        resourceType: "post_configuration",
        resourceId: id,
      });
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        throw new ProblemError("conflict", "Generated content used this configuration; archive it instead");
      }
      throw error;
    }
    await configurationsChanged(c);
    return c.body(null, 204);
  });
