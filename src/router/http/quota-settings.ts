// The plan's quota overrides in a tenant's settings (docs/billing.md, Tiers and quotas):
// settings.max_posts_per_month, max_social_accounts, max_users, max_api_keys and
// max_knowledge_entries. Wherever settings are written they are validated
// (SettingsField: integers from 0 to MAX_QUOTA_OVERRIDE, else a 400 naming the
// field); only the operator may set them (POST /v1/tenants, and the operator's own
// tenant routes). PATCH /v1/tenant refuses a change to one (billing-settings.ts): the
// owner must not raise their own quota, nor clear a limit the operator lowered.
import { z } from "@hono/zod-openapi";
import { MAX_QUOTA_OVERRIDE, QUOTA_NAMES, QUOTA_SETTINGS, type QuotaName } from "../../core/billing/plans";

/** The settings keys only the operator sets. */
export const QUOTA_SETTING_KEYS: readonly string[] = QUOTA_NAMES.map((name) => QUOTA_SETTINGS[name]);

const override = (name: QuotaName) =>
  z
    .number()
    .int()
    .min(0)
    .max(MAX_QUOTA_OVERRIDE)
    .optional()
    .openapi({ description: `The operator's override of the plan's ${name} for this tenant (docs/billing.md)` });

/** The overrides' fields of SettingsField. */
export const QUOTA_OVERRIDE_FIELDS = {
  max_posts_per_month: override("posts_per_month"),
  max_social_accounts: override("social_accounts"),
  max_users: override("users"),
  max_api_keys: override("api_keys"),
  max_knowledge_entries: override("knowledge_entries"),
} satisfies Record<(typeof QUOTA_SETTINGS)[QuotaName], z.ZodType>;
