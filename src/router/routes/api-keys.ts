// API keys of the caller's tenant. Everyone sees and revokes their own keys; owners
// and admins see and revoke all. A new key never exceeds its creator (src/router/auth/key-bounds);
// revoking a key revokes the keys made with it, transitively.

import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { KEY_KINDS } from "../../core/auth/approvals";
import { DEFAULT_RATE_LIMIT_PER_HOUR, issueApiKey } from "../../core/auth/issue-api-key";
import { registerKeyPrefix } from "../../core/auth/key-directory";
import { isoNow } from "../../core/clock";
import {
  type ApiKeyRow,
  descendantKeyIds,
  getApiKey,
  KEY_PARENT_ERROR,
  listApiKeys,
  revokeKeyLineage,
  toApiKey,
} from "../../core/db/api-keys";
import { isTriggerAbort } from "../../core/db/errors";
import { idPattern } from "../../core/db/ids";
import { unauthenticated } from "../auth/authenticate";
import { guard } from "../auth/guard";
import { boundKeyApproval } from "../auth/key-approval-bounds";
import { boundNewKey, type ParentKey } from "../auth/key-bounds";
import type { AppEnv } from "../http/app-env";
import { createRouter } from "../http/app-env";
import { commitAudited } from "../http/audit";
import { countGuard, overQuota, refuseWhenFull } from "../http/count-quotas";
import { decodeCursor, PageQuery, pageOf } from "../http/cursor";
import { ApiKeySchema, CreatedApiKeySchema, pageSchema, RateLimitField, ScopesField } from "../http/identity-schemas";
import { ProblemError } from "../http/problem";
import { caller, callerObject } from "../http/request-context";
import { problemResponseSpec } from "../http/schemas";
import { retryOnReset } from "../objects";

const security = [{ bearerAuth: [] }];
const errors = {
  400: problemResponseSpec("Invalid input"),
  401: problemResponseSpec("No valid credential"),
  403: problemResponseSpec("Role or scope does not allow it"),
};
const KeyParams = z.object({
  id: z
    .string()
    .regex(idPattern("apiKey"), "an API key id (key_...)")
    .openapi({ param: { name: "id", in: "path" } }),
});

/** Owners and admins manage every key of the tenant; others only their own. */
function seesAllKeys(c: Context<AppEnv>): boolean {
  const { user } = caller(c);
  return user.role === "owner" || user.role === "admin";
}

async function visibleKey(c: Context<AppEnv>, keyId: string): Promise<ApiKeyRow> {
  const { user, scope } = caller(c);
  const row = await getApiKey(scope, keyId);
  if (!row || (!seesAllKeys(c) && row.user_id !== user.userId)) throw new ProblemError("notFound", "No such API key");
  return row;
}

const CreateKeyBody = z
  .object({
    scopes: ScopesField,
    rate_limit_per_hour: RateLimitField.optional().openapi({
      description: `Omitted: the creating key's limit, or ${DEFAULT_RATE_LIMIT_PER_HOUR} from a session. Never above the creating key's.`,
    }),
    expires_at: z.iso
      .datetime({ offset: true })
      .refine((value) => Date.parse(value) > Date.now(), "must be in the future")
      .optional()
      .openapi({
        description: "Omitted: the creating key's expiry, or none from a session. Never after the creating key's.",
      }),
    kind: z.enum(KEY_KINDS).optional().openapi({
      description:
        "agent: an AI agent drafts with this key, and under the tenant's approvals.required_for (agents, the default) its posts wait for an approver (docs/approvals.md). Omitted: the creating key's kind, or standard from a session; a key made with an agent key is an agent key.",
    }),
    requires_approval: z.boolean().optional().openapi({
      description:
        "Every post drafted with this key waits for an approver, whatever the tenant's setting. Omitted: the creating key's, or false from a session; never false under a key whose posts wait.",
    }),
  })
  .openapi("CreateApiKey");

const listRoute = createRoute({
  method: "get",
  path: "/v1/api-keys",
  operationId: "list_api_keys",
  tags: ["API keys"],
  summary: "API keys: your own, or every key of the tenant for owners and admins",
  security,
  middleware: guard("api_keys.read", { action: "api_key.list", resource: "api_key" }),
  request: {
    query: PageQuery.extend({
      user_id: z.string().regex(idPattern("user")).optional(),
      status: z.enum(["active", "revoked", "expired"]).optional(),
    }),
  },
  responses: {
    200: {
      description: "A page of keys",
      content: { "application/json": { schema: pageSchema(ApiKeySchema, "ApiKeyPage") } },
    },
    ...errors,
  },
});

const createKeyRoute = createRoute({
  method: "post",
  path: "/v1/api-keys",
  operationId: "create_api_key",
  tags: ["API keys"],
  summary: "Create an API key for yourself (shown once)",
  security,
  middleware: guard("api_keys.manage", { action: "api_key.create", resource: "api_key" }),
  request: { body: { content: { "application/json": { schema: CreateKeyBody } }, required: true } },
  responses: {
    201: {
      description: "Created; the key is shown only here",
      content: { "application/json": { schema: CreatedApiKeySchema } },
    },
    ...errors,
    403: problemResponseSpec("Role or scope does not allow it, or the plan's API keys are all in use (quota-api-keys)"),
  },
});

const revokeRoute = createRoute({
  method: "delete",
  path: "/v1/api-keys/{id}",
  operationId: "revoke_api_key",
  tags: ["API keys"],
  summary: "Revoke an API key",
  security,
  middleware: guard("api_keys.manage", { action: "api_key.revoke", resource: "api_key", idParam: "id" }),
  request: { params: KeyParams },
  responses: {
    200: { description: "Revoked", content: { "application/json": { schema: ApiKeySchema } } },
    404: problemResponseSpec("No such key visible to you"),
    ...errors,
  },
});

const KeyCursor = z.object({ id: z.string() });

/** The key the request came with, whose bounds a new key inherits; null from a session. */
async function parentKey(
  c: Context<AppEnv>,
): Promise<(ParentKey & Pick<ApiKeyRow, "kind" | "requires_approval">) | null> {
  const { user, scope } = caller(c);
  if (user.credential.kind !== "api_key" || !user.keyId) return null;
  const row = await getApiKey(scope, user.keyId);
  if (!row) throw unauthenticated();
  return { ...row, scopes: user.credential.scopes };
}

export const apiKeysRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const { user, scope } = caller(c);
    const query = c.req.valid("query");
    const userId = seesAllKeys(c) ? query.user_id : user.userId;
    if (!seesAllKeys(c) && query.user_id && query.user_id !== user.userId) {
      return c.json({ data: [], next_cursor: null }, 200);
    }
    const now = isoNow(c.var.clock);
    const page = await listApiKeys(scope, {
      afterId: decodeCursor(query.cursor, KeyCursor)?.id,
      limit: query.limit,
      userId,
      status: query.status,
      now,
    });
    const keys = page.rows.map((row) => toApiKey(row, Date.parse(now)));
    return c.json(
      pageOf(keys, page.hasMore, (last) => ({ id: last.id })),
      200,
    );
  })
  .openapi(createKeyRoute, async (c) => {
    const { user, scope } = caller(c);
    const body = c.req.valid("json");
    const parent = await parentKey(c);
    const bounds = boundNewKey(user.role, parent, {
      scopes: body.scopes,
      rateLimitPerHour: body.rate_limit_per_hour,
      expiresAt: body.expires_at ? new Date(body.expires_at).toISOString() : undefined,
    });
    // Whether its posts wait for approval: never less than its maker's (docs/approvals.md).
    const approval = boundKeyApproval(parent, { kind: body.kind, requiresApproval: body.requires_approval });
    // The plan's API keys (docs/billing.md, Tiers and quotas): refused before a prefix is registered.
    const quota = await countGuard(c, scope, "api_keys");
    await refuseWhenFull(quota);
    const issued = await issueApiKey(scope, { userId: user.userId, ...bounds, ...approval }, isoNow(c.var.clock));
    // Two databases, in this order: the prefix in the global key directory, then the
    // key in the tenant's shard. A prefix whose key never arrived names no key (it
    // authenticates nothing); the daily repair removes it (src/core/placement/repair.ts).
    await c.env.DB.batch([registerKeyPrefix(c.env.DB, issued.row.key_prefix, scope.tenantId, issued.row.created_at)]);
    try {
      await commitAudited(c, scope.db, [issued.statement, quota.check], {
        action: "api_key.create",
        resourceType: "api_key",
        resourceId: issued.row.key_id,
        metadata: {
          prefix: issued.row.key_prefix,
          scopes: bounds.scopes,
          rate_limit_per_hour: bounds.rateLimitPerHour,
          parent_key_id: bounds.parentKeyId,
          kind: approval.kind,
          requires_approval: approval.requiresApproval,
        },
      });
    } catch (error) {
      // The creating key was revoked (or expired) while this request ran.
      if (isTriggerAbort(error, KEY_PARENT_ERROR)) throw unauthenticated("The key making this one is no longer active");
      // Another creation took the last key meanwhile: this prefix names no key (the repair removes it).
      throw await overQuota(quota, error);
    }
    return c.json({ ...toApiKey(issued.row), key: issued.key }, 201);
  })
  .openapi(revokeRoute, async (c) => {
    const { scope } = caller(c);
    const { id } = c.req.valid("param");
    const row = await visibleKey(c, id);
    // The keys made with it, for the audit row; the revocation itself walks the lineage
    // again in the same statement, so a key made meanwhile is revoked too.
    const descendants = await descendantKeyIds(scope, id);
    const [revoked] = await commitAudited(c, scope.db, [revokeKeyLineage(scope, id)], {
      action: "api_key.revoke",
      resourceType: "api_key",
      resourceId: id,
      // At most 100 ids, so a long lineage cannot bloat the row; the count is exact as read.
      metadata: {
        prefix: row.key_prefix,
        descendants: descendants.slice(0, 100),
        descendant_count: descendants.length,
      },
    });
    const keyIds = [id, ...((revoked?.results ?? []) as { key_id: string }[]).map((r) => r.key_id)];
    // Revoked means revoked on the very next request, for the whole lineage.
    const object = await callerObject(c);
    await retryOnReset(object, "forgetCredentials", { keyIds: [...new Set(keyIds)] });
    return c.json(toApiKey({ ...row, status: "revoked" }), 200);
  });
