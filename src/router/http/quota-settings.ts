// The plan's quota overrides in a tenant's settings (docs/billing.md, Tiers and quotas):
// settings.max_posts_per_month, max_social_accounts, max_users, max_api_keys and
// max_knowledge_entries. Wherever settings are written they are validated
// (SettingsField: integers from 0 to MAX_QUOTA_OVERRIDE, else a 400 naming the
// field); only the operator may set them (POST /v1/tenants, and the operator's own
// tenant routes). PATCH /v1/tenant refuses a change to one with a 403 naming it: the
// owner must not raise their own quota, nor clear a limit the operator lowered. A key
// sent with the value it already has is accepted (a client writing back the settings
// it read), and the stored overrides are kept whatever the owner's settings hold.
import { z } from "@hono/zod-openapi";
import { MAX_QUOTA_OVERRIDE, QUOTA_NAMES, QUOTA_SETTINGS, type QuotaName } from "../../core/billing/plans";
import { ProblemError } from "./problem";

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

/**
 * Refuses (403, naming the field) owner's settings that would change an override:
 * set one the tenant lacks, or give one another value. Leaving one out keeps it.
 */
export function refuseQuotaChanges(
  stored: Record<string, unknown>,
  settings: Record<string, unknown> | undefined,
): void {
  for (const key of QUOTA_SETTING_KEYS) {
    if (!settings || !(key in settings) || settings[key] === stored[key]) continue;
    const field = `settings.${key}`;
    const message = "the plan's quotas are set by the operator only; leave it out";
    throw new ProblemError("forbidden", `body field "${field}": ${message}`, {
      errors: [{ in: "body", field, message }],
    });
  }
}
