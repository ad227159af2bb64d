// GET /v1/rate-limits: each account's publishing window as the TenantObject holds it.
import { createRoute, z } from "@hono/zod-openapi";
import { listAccounts, type SocialAccountRow } from "../../core/db/social-accounts";
import { PLATFORMS } from "../../core/platforms/types";
import { guard } from "../auth/guard";
import { createRouter } from "../http/app-env";
import { caller, callerObject } from "../http/request-context";
import { problemResponseSpec } from "../http/schemas";
import { retryOnReset } from "../objects";

const WindowSchema = z
  .object({
    account_id: z.string(),
    platform: z.enum(PLATFORMS),
    window: z.string().openapi({ example: "linkedin_posts_per_day" }),
    window_seconds: z.number().int(),
    limit: z.number().int(),
    used: z.number().int(),
    remaining: z
      .number()
      .int()
      .openapi({ description: "The tighter of our window and what the platform last reported" }),
    reset_at: z.string().nullable().openapi({ description: "When the oldest counted call leaves the window" }),
    platform_reported: z.object({ remaining: z.number().int(), reset_at: z.string(), source: z.string() }).nullable(),
  })
  .openapi("RateWindow");

const route = createRoute({
  method: "get",
  path: "/v1/rate-limits",
  operationId: "list_rate_limits",
  tags: ["Posts"],
  summary: "Each account's publishing window: use, limit and reset time",
  security: [{ bearerAuth: [] }],
  middleware: guard("posts.read", { action: "rate_limit.read", resource: "rate_limit" }),
  responses: {
    200: {
      description: "The windows",
      content: { "application/json": { schema: z.object({ data: z.array(WindowSchema) }) } },
    },
    401: problemResponseSpec("No valid credential"),
    403: problemResponseSpec("Role or scope does not allow it"),
  },
});

export const rateLimitsRoutes = createRouter().openapi(route, async (c) => {
  const { scope } = caller(c);
  const accounts: SocialAccountRow[] = [];
  let afterId: string | undefined;
  for (;;) {
    const page = await listAccounts(scope, { afterId, limit: 100, status: "active" });
    accounts.push(...page.rows);
    if (!page.hasMore) break;
    afterId = page.rows.at(-1)?.account_id;
  }
  const object = await callerObject(c);
  const states = await retryOnReset(
    object,
    "rateLimits",
    accounts.map((a) => ({ accountId: a.account_id, platform: a.platform })),
  );
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return c.json(
    {
      data: states.map((s) => ({
        account_id: s.accountId,
        platform: s.platform,
        window: s.window,
        window_seconds: s.windowSeconds,
        limit: s.limit,
        used: s.used,
        remaining: s.remaining,
        reset_at: iso(s.resetAtMs),
        platform_reported: s.platformReported
          ? {
              remaining: s.platformReported.remaining,
              reset_at: new Date(s.platformReported.resetAtMs).toISOString(),
              source: s.platformReported.source,
            }
          : null,
      })),
    },
    200,
  );
});
