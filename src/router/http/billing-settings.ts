// settings.past_due_grace_days (docs/billing.md, Stripe and subscription states): how many
// days a past_due subscription keeps publishing after its first failed payment (default
// 7). The operator's alone, as the plan's quota overrides are (quota-settings.ts): set
// with POST /v1/tenants or PATCH /v1/admin/tenants/{id}, validated wherever settings
// are written (whole days, 0 to MAX_PAST_DUE_GRACE_DAYS, else a 400 naming the field),
// refused in PATCH /v1/tenant with a 403 naming it unless sent unchanged, and kept
// whatever the owner's settings hold.
import { z } from "@hono/zod-openapi";
import { GRACE_SETTING, MAX_PAST_DUE_GRACE_DAYS } from "../../core/billing/subscription";
import { ProblemError } from "./problem";

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

/** The settings keys of billing only the operator sets. */
export const BILLING_SETTING_KEYS: readonly string[] = [GRACE_SETTING];

/** Refuses (403, naming the field) owner's settings that would change the grace; leaving it out keeps it. */
export function refuseGraceChange(
  stored: Record<string, unknown>,
  settings: Record<string, unknown> | undefined,
): void {
  if (!settings || !(GRACE_SETTING in settings) || settings[GRACE_SETTING] === stored[GRACE_SETTING]) return;
  const field = `settings.${GRACE_SETTING}`;
  const message = "the grace of a past_due subscription is set by the operator only; leave it out";
  throw new ProblemError("billingManaged", `body field "${field}": ${message}`, {
    errors: [{ in: "body", field, message }],
  });
}
