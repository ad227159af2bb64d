// The shapes of a tenant's deletion, restore and erasure (docs/privacy.md, "A tenant's
// erasure"): the deleted tenant with the end of its grace, the owner's restore, and
// the operator's view of an erasure (its checkpoint while it runs, its record after).
import { z } from "@hono/zod-openapi";
import { idPattern } from "../../core/db/ids";
import { ERASURE_STEPS } from "../../core/db/tenant-erasures";
import { EmailField, TenantSchema } from "./identity-schemas";

const timestamp = z.string().openapi({ format: "date-time" });
const count = z.number().int();

export const DeletedTenantSchema = TenantSchema.extend({
  erase_after: timestamp.openapi({
    description: "When the grace ends and the tenant is erased, unless its owner restores it first",
  }),
}).openapi("DeletedTenant");

export const RestoreBody = z
  .object({
    tenant_id: z.string().regex(idPattern("tenant"), "a tenant id (ten_...)"),
    email: EmailField,
    password: z.string().min(1).max(256),
    totp: z
      .string()
      .regex(/^\d{6}$/, "six digits")
      .optional(),
  })
  .strict()
  .openapi("TenantRestore");

const Tally = z.object({
  revoked: count,
  invalid: count.openapi({ description: "Tokens the platform no longer accepted (expired or revoked before)" }),
  failed: count,
  unsupported: count.openapi({ description: "Grants at a platform that offers no revocation (LinkedIn)" }),
  failures: z.array(z.object({ kind: z.string(), status: z.number().int().nullable() })),
});

export const ErasureSchema = z
  .object({
    id: z.string(),
    tenant_id: z.string(),
    state: z.enum(["grace", "erasing", "erased"]),
    requested_by: z.string().openapi({ description: '"user:<id>" (the owner), "operator" or "system"' }),
    requested_at: timestamp,
    erase_after: timestamp,
    started_by: z.enum(["operator", "grace_expiry"]).nullable(),
    started_at: timestamp.nullable(),
    step: z.enum(ERASURE_STEPS).nullable().openapi({ description: "Where an erasure under way stands" }),
    erased_at: timestamp.nullable(),
    counts: z.record(z.string(), z.record(z.string(), count)).openapi({
      description: "What was erased, by place (shard, global, vectors, archive, object) and table or kind",
    }),
    revocations: z.record(z.string(), Tally).openapi({ description: "The platform grants, by platform" }),
    last_error: z.string().nullable(),
  })
  .openapi("TenantErasure");
