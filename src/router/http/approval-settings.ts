// settings.approvals (docs/approvals.md): whose posts wait for an approver. required_for is
// none, agents (the default: a tenant that never set it) or editors_and_agents; the owner
// or an admin sets it with PATCH /v1/tenant, and the TenantObject reads it when a post is
// drafted (src/core/auth/approvals.ts). Validated wherever settings are written: anything
// else is a 400 naming the field.
import { z } from "@hono/zod-openapi";
import { APPROVAL_SETTINGS, DEFAULT_APPROVAL_SETTING } from "../../core/auth/approvals";

/** The approvals' field of SettingsField. */
export const APPROVAL_SETTING_FIELD = {
  approvals: z
    .object({
      required_for: z.enum(APPROVAL_SETTINGS).openapi({
        description: `Whose posts wait for an owner's or admin's approval: none; agents (agent keys and the MCP server); editors_and_agents (members too). Default ${DEFAULT_APPROVAL_SETTING}. A key's requires_approval makes its posts wait under any of them.`,
      }),
    })
    .strict()
    .optional(),
};
