// GET /v1/tenant/usage: the tenant's plan, each quota's limit and what is used of it
// (docs/billing.md, Tiers and quotas), for an owner's or admin's dashboard. The month's
// posts as the TenantObject counts them (it enforces them); the counts from the
// tenant's shard, by the same statements that refuse a creation over its quota.
import { createRoute, z } from "@hono/zod-openapi";
import { overriddenQuotas, QUOTA_NAMES, type QuotaName, quotasOf } from "../../core/billing/plans";
import { isoNow } from "../../core/clock";
import { parseJson } from "../../core/db/json-column";
import { quotaCounts } from "../../core/db/quota-counts";
import { findTenant, TIERS } from "../../core/db/tenants";
import { guard } from "../auth/guard";
import { createRouter } from "../http/app-env";
import { ProblemError } from "../http/problem";
import { caller, callerObject } from "../http/request-context";
import { problemResponseSpec } from "../http/schemas";
import { retryOnReset } from "../objects";

const QuotaSchema = z
  .object({
    limit: z.number().int(),
    used: z.number().int(),
    remaining: z.number().int(),
    resets_at: z
      .string()
      .nullable()
      .openapi({ description: "When the count starts again: the next month's start (UTC) for posts; null for counts" }),
    overridden: z.boolean().openapi({ description: "The operator set this tenant's limit (settings.max_…)" }),
  })
  .openapi("QuotaUsage");

const UsageSchema = z
  .object({
    tier: z.enum(TIERS),
    month: z.string().openapi({ description: "The calendar month (UTC) the posts count in", example: "2026-03" }),
    quotas: z.object(
      Object.fromEntries(QUOTA_NAMES.map((name) => [name, QuotaSchema])) as Record<QuotaName, typeof QuotaSchema>,
    ),
  })
  .openapi("TenantUsage");

const route = createRoute({
  method: "get",
  path: "/v1/tenant/usage",
  operationId: "get_tenant_usage",
  tags: ["Tenants"],
  summary: "The plan's quotas: limit, used and reset of each (owner, admin)",
  security: [{ bearerAuth: [] }],
  middleware: guard("tenant.usage", { action: "tenant.usage_read", resource: "tenant" }),
  responses: {
    200: { description: "The tenant's usage", content: { "application/json": { schema: UsageSchema } } },
    401: problemResponseSpec("No valid credential"),
    403: problemResponseSpec("Role or scope does not allow it"),
  },
});

export const tenantUsageRoutes = createRouter().openapi(route, async (c) => {
  const { user, scope } = caller(c);
  const tenant = await findTenant(c.env.DB, user.tenantId);
  if (!tenant) throw new ProblemError("notFound", "Tenant not found");
  const settings = parseJson<Record<string, unknown>>(tenant.settings, {});
  const limits = quotasOf(tenant.tier, settings);
  const overridden = new Set(overriddenQuotas(settings));
  const object = await callerObject(c);
  const [posts, counts] = await Promise.all([
    retryOnReset(object, "monthlyPosts"),
    quotaCounts(scope, isoNow(c.var.clock)),
  ]);
  const quota = (name: QuotaName, limit: number, used: number, resetsAtMs: number | null) => ({
    limit,
    used,
    remaining: Math.max(0, limit - used),
    resets_at: resetsAtMs === null ? null : new Date(resetsAtMs).toISOString(),
    overridden: overridden.has(name),
  });
  return c.json(
    {
      tier: tenant.tier,
      month: posts.month,
      quotas: {
        // The limit the object enforces (its record of the plan).
        posts_per_month: quota("posts_per_month", posts.limit, posts.used, posts.resetsAtMs),
        social_accounts: quota("social_accounts", limits.social_accounts, counts.social_accounts, null),
        users: quota("users", limits.users, counts.users, null),
        api_keys: quota("api_keys", limits.api_keys, counts.api_keys, null),
        knowledge_entries: quota("knowledge_entries", limits.knowledge_entries, counts.knowledge_entries, null),
      },
    },
    200,
  );
});
