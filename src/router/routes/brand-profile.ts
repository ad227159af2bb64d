// The tenant's brand profile: palette, typography, logo rules, lexicon, messaging and
// the brand voice. The voice's embedding and tone vectors go in encrypted with the
// tenant's key and never come out; the embedding is also the tenant's vector in the
// brand-voice index. Every access is audited, reads included.

import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { isoNow } from "../../core/clock";
import { tenantCipher } from "../../core/crypto/tenant-cipher";
import { deleteBrandProfile, getBrandProfile, putBrandProfile, toBrandProfile } from "../../core/db/brand-profiles";
import { findTenant } from "../../core/db/tenants";
import { deleteBrandVoice, upsertBrandVoice } from "../../core/vector/brand-voice";
import { vectorToBytes } from "../../core/vector/codec";
import { VECTOR_INDEXES } from "../../core/vector/indexes";
import { encodeNamedVectors } from "../../core/vector/named-vectors";
import { guard } from "../auth/guard";
import type { AppEnv } from "../http/app-env";
import { createRouter } from "../http/app-env";
import { commitAudited } from "../http/audit";
import { Timestamp } from "../http/content-schemas";
import { indexAfterCommit } from "../http/index-sync";
import { jsonObject } from "../http/json-field";
import { bearer, jsonBody, jsonResponse, problems } from "../http/openapi-parts";
import { ProblemError } from "../http/problem";
import { caller } from "../http/request-context";
import { problemResponseSpec } from "../http/schemas";
import { vectorField } from "../http/vector-field";

const VOICE = VECTOR_INDEXES.brandVoice;
const MAX_TONE_VECTORS = 16;

const HexColour = z
  .string()
  .regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/, "a hex colour (#RGB, #RRGGBB or #RRGGBBAA)");

const BrandProfileBody = z
  .object({
    embeddings: vectorField(VOICE).openapi({ description: "The brand-voice embedding (write-only)" }),
    tone_vectors: z
      .record(z.string().trim().min(1).max(64), vectorField(VOICE))
      .refine((tones) => Object.keys(tones).length <= MAX_TONE_VECTORS, `at most ${MAX_TONE_VECTORS} tone vectors`)
      .nullable()
      .default(null)
      .openapi({ description: 'Named tone embeddings, e.g. {"confident": [...]} (write-only)' }),
    palette: z
      .array(HexColour)
      .min(1)
      .max(32)
      .openapi({ example: ["#1a5f7a", "#57cc99", "#f0f3bd"] }),
    typography: jsonObject(16_384, { headline: "Montserrat Bold 48pt" }),
    logo_rules: jsonObject(16_384, { min_size_px: 120, safe_zone_px: 40 }),
    lexicon: jsonObject(32_768, { products: "industrial-grade" }).nullable().default(null),
    messaging: jsonObject(32_768, { taglines: ["Built on trust"] })
      .nullable()
      .default(null),
  })
  .strict()
  .openapi("PutBrandProfile");

const BrandProfileSchema = z
  .object({
    palette: z.array(z.string()),
    typography: z.record(z.string(), z.unknown()),
    logo_rules: z.record(z.string(), z.unknown()),
    lexicon: z.record(z.string(), z.unknown()).nullable(),
    messaging: z.record(z.string(), z.unknown()).nullable(),
    has_tone_vectors: z.boolean(),
    encryption_version: z.number().int(),
    updated_at: Timestamp,
  })
  .openapi("BrandProfile");

const profileResponse = (description: string) => jsonResponse(description, BrandProfileSchema);

async function currentProfile(c: Context<AppEnv>) {
  const row = await getBrandProfile(caller(c).scope);
  if (!row) throw new ProblemError("notFound", "This tenant has no brand profile yet; PUT one");
  return row;
}

const getRoute = createRoute({
  method: "get",
  path: "/v1/brand-profile",
  operationId: "get_brand_profile",
  tags: ["Brand"],
  summary: "The tenant's brand profile (never its vectors)",
  security: bearer,
  middleware: guard("brand.read", { action: "brand_profile.read", resource: "brand_profile" }),
  responses: { 200: profileResponse("The brand profile"), ...problems("No brand profile yet") },
});

const putRoute = createRoute({
  method: "put",
  path: "/v1/brand-profile",
  operationId: "replace_brand_profile",
  tags: ["Brand"],
  summary: "Create or replace the brand profile (owner, admin)",
  security: bearer,
  middleware: guard("brand.write", { action: "brand_profile.put", resource: "brand_profile" }),
  request: jsonBody(BrandProfileBody),
  responses: {
    200: profileResponse("Saved"),
    503: problemResponseSpec("Saved, but the brand-voice index was not updated: repeat the request"),
    ...problems(),
  },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/v1/brand-profile",
  operationId: "delete_brand_profile",
  tags: ["Brand"],
  summary: "Delete the brand profile and its brand-voice vector (owner, admin)",
  security: bearer,
  middleware: guard("brand.write", { action: "brand_profile.delete", resource: "brand_profile" }),
  responses: { 204: { description: "Deleted" }, ...problems("No brand profile") },
});

export const brandProfileRoutes = createRouter()
  .openapi(getRoute, async (c) => {
    const { user, scope } = caller(c);
    const row = await currentProfile(c);
    // Reads of the brand profile are audited, like its changes.
    await commitAudited(c, scope.db, [], {
      action: "brand_profile.read",
      resourceType: "brand_profile",
      resourceId: user.tenantId,
    });
    return c.json(toBrandProfile(row), 200);
  })
  .openapi(putRoute, async (c) => {
    const { user, scope } = caller(c);
    const body = c.req.valid("json");
    const tenant = await findTenant(c.env.DB, user.tenantId);
    if (!tenant) throw new ProblemError("notFound", "Tenant not found");
    const cipher = tenantCipher(c.env, user.tenantId, user.tenantKey);
    const row = user.tenantId;
    const now = isoNow(c.var.clock);
    const embeddings = await cipher.encryptBytes("brand_profiles", "embeddings", row, vectorToBytes(body.embeddings));
    const toneVectors = body.tone_vectors
      ? await cipher.encryptBytes("brand_profiles", "tone_vectors", row, encodeNamedVectors(body.tone_vectors))
      : null;
    await commitAudited(
      c,
      scope.db,
      [
        putBrandProfile(scope, {
          embeddings,
          toneVectors,
          palette: body.palette,
          typography: body.typography,
          logoRules: body.logo_rules,
          lexicon: body.lexicon,
          messaging: body.messaging,
          kmsKeyId: user.tenantKey.kmsKeyId,
          encryptionVersion: cipher.version,
          now,
        }),
      ],
      {
        action: "brand_profile.put",
        resourceType: "brand_profile",
        resourceId: user.tenantId,
        // Names and counts only: never a vector.
        metadata: { tone_vectors: Object.keys(body.tone_vectors ?? {}), palette_size: body.palette.length },
      },
    );
    await indexAfterCommit(c, "brand-voice", () =>
      upsertBrandVoice(c.env, { tenantId: user.tenantId, region: tenant.region }, body.embeddings, now),
    );
    return c.json(toBrandProfile(await currentProfile(c)), 200);
  })
  .openapi(deleteRoute, async (c) => {
    const { user, scope } = caller(c);
    await currentProfile(c);
    await commitAudited(c, scope.db, [deleteBrandProfile(scope)], {
      action: "brand_profile.delete",
      resourceType: "brand_profile",
      resourceId: user.tenantId,
    });
    await indexAfterCommit(c, "brand-voice", () => deleteBrandVoice(c.env, user.tenantId));
    return c.body(null, 204);
  });
