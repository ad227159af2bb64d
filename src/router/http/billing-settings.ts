// settings.past_due_grace_days (docs/billing.md, Stripe and subscription states): how many
// days a past_due subscription keeps publishing after its first failed payment (default
// 7). The operator's alone, as the plan's quota overrides are (quota-settings.ts): set
// with POST /v1/tenants or PATCH /v1/admin/tenants/{id}, validated wherever settings
// are written (whole days, 0 to MAX_PAST_DUE_GRACE_DAYS, else a 400 naming the field),
// refused in PATCH /v1/tenant with a 403 naming it unless sent unchanged, and kept
// whatever the owner's settings hold; so are the quota overrides (quota-settings.ts).
import { z } from "@hono/zod-openapi";
import { GRACE_SETTING, MAX_PAST_DUE_GRACE_DAYS } from "../../core/billing/subscription";
import { ProblemError } from "./problem";
import { QUOTA_SETTING_KEYS } from "./quota-settings";

/** The grace's field of SettingsField. */
export const GRACE_SETTING_FIELD = {
  [GRACE_SETTING]: z
    .number()
    .int()
    .min(0)
    .max(MAX_PAST_DUE_GRACE_DAYS)
    .optional()
    .openapi({ description: "Days a past_due subscription keeps publishing (default 7; the operator's alone)" }),
};

/** Every settings key only the operator sets: the plan's quota overrides and the grace. */
export const OPERATOR_SETTING_KEYS: readonly string[] = [...QUOTA_SETTING_KEYS, GRACE_SETTING];

/**
 * Refuses (403 billing-managed, naming the field) an owner's settings that would change
 * a key only the operator sets: set one the tenant lacks, or give one another value. A
 * key sent with the value it already has is accepted (a client writing back the
 * settings it read), and leaving one out keeps it.
 */
export function refuseOperatorSettingChanges(
  stored: Record<string, unknown>,
  settings: Record<string, unknown> | undefined,
): void {
  for (const key of OPERATOR_SETTING_KEYS) {
    if (!settings || !(key in settings) || settings[key] === stored[key]) continue;
    const field = `settings.${key}`;
    const message = "set by the plan and the operator only; leave it out";
    throw new ProblemError("billingManaged", `body field "${field}": ${message}`, {
      errors: [{ in: "body", field, message }],
    });
  }
}
