// Content templates of the caller's tenant: list, create, read, change, delete.

import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { isoNow } from "../../core/clock";
import { isForeignKeyViolation } from "../../core/db/errors";
import { newId } from "../../core/db/ids";
import { jsonOrNull } from "../../core/db/json-column";
import {
  insertTemplate,
  TEMPLATE_STATUSES,
  TEMPLATE_TYPES,
  TEMPLATES,
  type TemplateRow,
  toTemplate,
} from "../../core/db/templates";
import { deleteRow, getRow, pageRows, updateRow } from "../../core/db/tenant-rows";
import { guard } from "../auth/guard";
import type { AppEnv } from "../http/app-env";
import { createRouter } from "../http/app-env";
import { commitAudited } from "../http/audit";
import { idParam, PlatformField, Timestamp } from "../http/content-schemas";
import { decodeCursor, PageQuery, pageOf } from "../http/cursor";
import { pageSchema } from "../http/identity-schemas";
import { jsonObject } from "../http/json-field";
import { bearer, jsonBody, jsonResponse, problems } from "../http/openapi-parts";
import { ProblemError } from "../http/problem";
import { caller } from "../http/request-context";
import { problemResponseSpec } from "../http/schemas";
import { plainText } from "../http/text-field";

const TemplateSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    template_type: z.enum(TEMPLATE_TYPES),
    platform: PlatformField,
    structure: z.record(z.string(), z.unknown()),
    constraints: z.record(z.string(), z.unknown()).nullable(),
    default_copy_blocks: z.array(z.record(z.string(), z.unknown())).nullable(),
    status: z.enum(TEMPLATE_STATUSES),
    use_count: z.number().int(),
    last_used_at: Timestamp.nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Template");

const fields = {
  name: plainText(1, 200),
  template_type: z.enum(TEMPLATE_TYPES),
  platform: PlatformField,
  structure: jsonObject(32_768, { layout: "3-column", blocks: [] }),
  constraints: jsonObject(16_384, { min_font_pt: 22, max_text_blocks: 3 }).nullable(),
  default_copy_blocks: z
    .array(jsonObject(4096, { name: "headline", max_chars: 60 }))
    .max(50)
    .nullable(),
};

const CreateTemplate = z
  .object({
    ...fields,
    constraints: fields.constraints.default(null),
    default_copy_blocks: fields.default_copy_blocks.default(null),
  })
  .strict()
  .openapi("CreateTemplate");

const PatchTemplate = z
  .object({
    name: fields.name.optional(),
    template_type: fields.template_type.optional(),
    platform: fields.platform.optional(),
    structure: fields.structure.optional(),
    constraints: fields.constraints.optional(),
    default_copy_blocks: fields.default_copy_blocks.optional(),
    status: z.enum(TEMPLATE_STATUSES).optional(),
  })
  .strict()
  .refine((v) => Object.values(v).some((x) => x !== undefined), "give at least one field")
  .openapi("PatchTemplate");

const Params = z.object({ id: idParam("template") });
const templateResponse = (description: string) => jsonResponse(description, TemplateSchema);
const NOT_FOUND = "No such template";

async function target(c: Context<AppEnv>, id: string): Promise<TemplateRow> {
  const row = await getRow<TemplateRow>(caller(c).scope, TEMPLATES, id);
  if (!row) throw new ProblemError("notFound", NOT_FOUND);
  return row;
}

const listRoute = createRoute({
  method: "get",
  path: "/v1/templates",
  operationId: "list_templates",
  tags: ["Templates"],
  summary: "Templates of the tenant, oldest first",
  security: bearer,
  middleware: guard("content.read", { action: "template.list", resource: "template" }),
  request: {
    query: PageQuery.extend({
      platform: PlatformField.optional(),
      template_type: z.enum(TEMPLATE_TYPES).optional(),
      status: z.enum(TEMPLATE_STATUSES).optional(),
    }),
  },
  responses: { 200: jsonResponse("A page of templates", pageSchema(TemplateSchema, "TemplatePage")), ...problems() },
});

const createTemplateRoute = createRoute({
  method: "post",
  path: "/v1/templates",
  operationId: "create_template",
  tags: ["Templates"],
  summary: "Create a template",
  security: bearer,
  middleware: guard("content.write", { action: "template.create", resource: "template" }),
  request: jsonBody(CreateTemplate),
  responses: { 201: templateResponse("Created"), ...problems() },
});

const getRoute = createRoute({
  method: "get",
  path: "/v1/templates/{id}",
  operationId: "get_template",
  tags: ["Templates"],
  summary: "One template",
  security: bearer,
  middleware: guard("content.read", { action: "template.read", resource: "template", idParam: "id" }),
  request: { params: Params },
  responses: { 200: templateResponse("The template"), ...problems(NOT_FOUND) },
});

const patchRoute = createRoute({
  method: "patch",
  path: "/v1/templates/{id}",
  operationId: "update_template",
  tags: ["Templates"],
  summary: "Change or archive a template",
  security: bearer,
  middleware: guard("content.write", { action: "template.update", resource: "template", idParam: "id" }),
  request: { params: Params, ...jsonBody(PatchTemplate) },
  responses: { 200: templateResponse("Updated"), ...problems(NOT_FOUND) },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/v1/templates/{id}",
  operationId: "delete_template",
  tags: ["Templates"],
  summary: "Delete a template no content was generated from (archive it otherwise)",
  security: bearer,
  middleware: guard("content.write", { action: "template.delete", resource: "template", idParam: "id" }),
  request: { params: Params },
  responses: {
    204: { description: "Deleted" },
    409: problemResponseSpec("Generated content uses the template: archive it instead"),
    ...problems(NOT_FOUND),
  },
});

const Cursor = z.object({ id: z.string() });

export const templatesRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const query = c.req.valid("query");
    const page = await pageRows<TemplateRow>(caller(c).scope, TEMPLATES, {
      afterId: decodeCursor(query.cursor, Cursor)?.id,
      limit: query.limit,
      filters: { platform: query.platform, template_type: query.template_type, status: query.status },
    });
    return c.json(
      pageOf(page.rows.map(toTemplate), page.hasMore, (last) => ({ id: last.id })),
      200,
    );
  })
  .openapi(createTemplateRoute, async (c) => {
    const { scope } = caller(c);
    const body = c.req.valid("json");
    const templateId = newId("template");
    await commitAudited(
      c,
      scope.db,
      [
        insertTemplate(scope, {
          templateId,
          name: body.name,
          templateType: body.template_type,
          platform: body.platform,
          structure: body.structure,
          constraints: body.constraints,
          defaultCopyBlocks: body.default_copy_blocks,
          now: isoNow(c.var.clock),
        }),
      ],
      { action: "template.create", resourceType: "template", resourceId: templateId, metadata: { name: body.name } },
    );
    return c.json(toTemplate(await target(c, templateId)), 201);
  })
  .openapi(getRoute, async (c) => c.json(toTemplate(await target(c, c.req.valid("param").id)), 200))
  .openapi(patchRoute, async (c) => {
    const { scope } = caller(c);
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    await target(c, id);
    const patch = {
      ...body,
      structure: body.structure && JSON.stringify(body.structure),
      constraints: body.constraints === undefined ? undefined : jsonOrNull(body.constraints),
      default_copy_blocks: body.default_copy_blocks === undefined ? undefined : jsonOrNull(body.default_copy_blocks),
    };
    await commitAudited(c, scope.db, [updateRow(scope, TEMPLATES, id, patch, isoNow(c.var.clock))], {
      action: "template.update",
      resourceType: "template",
      resourceId: id,
      metadata: { fields: Object.keys(body), status: body.status },
    });
    return c.json(toTemplate(await target(c, id)), 200);
  })
  .openapi(deleteRoute, async (c) => {
    const { scope } = caller(c);
    const { id } = c.req.valid("param");
    await target(c, id);
    try {
      await commitAudited(c, scope.db, [deleteRow(scope, TEMPLATES, id)], {
        action: "template.delete",
        resourceType: "template",
        resourceId: id,
      });
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        throw new ProblemError("conflict", "Generated content uses this template; archive it instead");
      }
      throw error;
    }
    return c.body(null, 204);
  });
