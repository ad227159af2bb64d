// Response and request pieces shared by the identity routes.
import { z } from "@hono/zod-openapi";
import { KEY_KINDS } from "../../core/auth/approvals";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../../core/auth/passwords";
import { ROLES, SCOPES } from "../../core/auth/permissions";
import { REGIONS, SUBSCRIPTION_STATUSES, TIERS } from "../../core/db/tenants";
import { USER_STATUSES } from "../../core/db/users";
import { PLATFORMS } from "../../core/platforms/types";
import { RetentionSettings } from "../../core/retention/policy";
import { APPROVAL_SETTING_FIELD } from "./approval-settings";
import { GRACE_SETTING_FIELD } from "./billing-settings";
import { boundedJson } from "./json-field";
import { QUOTA_OVERRIDE_FIELDS } from "./quota-settings";
import { plainText } from "./text-field";

const timestamp = z.string().openapi({ format: "date-time", example: "2026-11-25T09:30:00.000Z" });

export const TenantSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    region: z.enum(REGIONS),
    tier: z.enum(TIERS),
    settings: z.record(z.string(), z.unknown()),
    stripe_customer_id: z.string().nullable(),
    subscription_status: z.enum(SUBSCRIPTION_STATUSES),
    past_due_since: timestamp.nullable().openapi({
      description: "When the current past_due spell's first payment failed; its grace counts from it (docs/billing.md)",
    }),
    status: z.enum(["active", "suspended", "deleted"]),
    encryption_version: z.number().int(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("Tenant");

export const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    full_name: z.string().nullable(),
    role: z.enum(ROLES),
    status: z.enum(USER_STATUSES),
    mfa_enabled: z.boolean(),
    last_login_at: timestamp.nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("User");

export const ApiKeySchema = z
  .object({
    id: z.string(),
    prefix: z.string().openapi({ example: "dify_abcdefghijkl" }),
    user_id: z.string(),
    scopes: z.array(z.string()),
    rate_limit_per_hour: z.number().int(),
    status: z.enum(["active", "revoked", "expired"]),
    expires_at: timestamp.nullable(),
    last_used_at: timestamp.nullable(),
    use_count: z.number().int(),
    created_at: timestamp,
    parent_key_id: z.string().nullable().openapi({
      description: "The key this key was made with (null: made by a signed-in user). Revoking it revokes this one.",
    }),
    kind: z.enum(KEY_KINDS).openapi({
      description:
        "agent: an AI agent's key, whose posts wait for an approver under approvals.required_for (docs/approvals.md)",
    }),
    requires_approval: z.boolean().openapi({ description: "Every post drafted with this key waits for an approver" }),
  })
  .openapi("ApiKey");

export const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: "The key itself. Shown once: store it now." }),
}).openapi("CreatedApiKey");

export const EmailField = z.string().trim().toLowerCase().pipe(z.email().max(254));
export const PasswordField = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH);
export const NameField = plainText(1, 200);
/** Per-platform publishing windows replacing the seed's defaults (settings.rate_limits). */
const WindowOverride = z
  .object({
    limit: z.number().int().min(1).max(100_000).optional(),
    window_seconds: z
      .number()
      .int()
      .min(60)
      .max(7 * 86_400)
      .optional(),
  })
  .strict();

export const SettingsField = boundedJson(
  z
    .object({
      rate_limits: z.partialRecord(z.enum(PLATFORMS), WindowOverride).optional(),
      // How long each kind of history stays in D1 (src/core/retention/policy.ts).
      retention: RetentionSettings.optional(),
      // The plan's quotas, overridden by the operator only (src/router/http/quota-settings.ts).
      ...QUOTA_OVERRIDE_FIELDS,
      // A past_due subscription's grace, set by the operator only (src/router/http/billing-settings.ts).
      ...GRACE_SETTING_FIELD,
      // Whose posts wait for an approver (src/router/http/approval-settings.ts).
      ...APPROVAL_SETTING_FIELD,
    })
    .catchall(z.unknown()),
  16_384,
);

export const ScopesField = z.array(z.enum(SCOPES)).min(1).max(SCOPES.length);
export const RateLimitField = z.number().int().min(1).max(1_000_000);

/** A page of a list. */
export function pageSchema<T extends z.ZodType>(item: T, name: string) {
  return z.object({ data: z.array(item), next_cursor: z.string().nullable() }).openapi(name);
}
