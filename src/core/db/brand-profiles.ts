// The tenant's brand profile (brand_profiles): one row per tenant, private to it. The
// brand-voice embedding and tone vectors are stored encrypted with the tenant's key
// (src/core/crypto/secret-columns.ts); nothing here ever decrypts them for a response.
import type { TenantScope } from "./tenant-scope";
import { iso } from "./time";

/** The readable part of the row: no ciphertext leaves the database for a read. */
export interface BrandProfileRow {
  palette: string;
  typography: string;
  logo_rules: string;
  lexicon: string | null;
  messaging: string | null;
  has_tone_vectors: number;
  encryption_version: number;
  updated_at: string;
}

export interface BrandProfile {
  palette: string[];
  typography: Record<string, unknown>;
  logo_rules: Record<string, unknown>;
  lexicon: Record<string, unknown> | null;
  messaging: Record<string, unknown> | null;
  has_tone_vectors: boolean;
  encryption_version: number;
  updated_at: string;
}

export function toBrandProfile(row: BrandProfileRow): BrandProfile {
  return {
    palette: JSON.parse(row.palette),
    typography: JSON.parse(row.typography),
    logo_rules: JSON.parse(row.logo_rules),
    lexicon: row.lexicon === null ? null : JSON.parse(row.lexicon),
    messaging: row.messaging === null ? null : JSON.parse(row.messaging),
    has_tone_vectors: row.has_tone_vectors === 1,
    encryption_version: row.encryption_version,
    updated_at: iso(row.updated_at),
  };
}

export function getBrandProfile(scope: TenantScope): Promise<BrandProfileRow | null> {
  return scope.db
    .prepare(
      `SELECT palette, typography, logo_rules, lexicon, messaging, tone_vectors IS NOT NULL AS has_tone_vectors,
              encryption_version, updated_at
       FROM brand_profiles WHERE tenant_id = ?`,
    )
    .bind(scope.tenantId)
    .first<BrandProfileRow>();
}

export interface BrandProfileWrite {
  /** Ciphertexts, made with the tenant's key for this row. */
  embeddings: Uint8Array;
  toneVectors: Uint8Array | null;
  palette: string[];
  typography: Record<string, unknown>;
  logoRules: Record<string, unknown>;
  lexicon: Record<string, unknown> | null;
  messaging: Record<string, unknown> | null;
  kmsKeyId: string;
  encryptionVersion: number;
  now: string;
}

/** Creates or replaces the profile (PUT semantics: every field is written). */
export function putBrandProfile(scope: TenantScope, profile: BrandProfileWrite): D1PreparedStatement {
  return scope.db
    .prepare(
      `INSERT INTO brand_profiles (tenant_id, embeddings, palette, typography, logo_rules, tone_vectors, lexicon,
                                   messaging, kms_key_id, encryption_version, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
       ON CONFLICT(tenant_id) DO UPDATE SET
         embeddings = excluded.embeddings, palette = excluded.palette, typography = excluded.typography,
         logo_rules = excluded.logo_rules, tone_vectors = excluded.tone_vectors, lexicon = excluded.lexicon,
         messaging = excluded.messaging, kms_key_id = excluded.kms_key_id,
         encryption_version = excluded.encryption_version, updated_at = excluded.updated_at`,
    )
    .bind(
      scope.tenantId,
      profile.embeddings,
      JSON.stringify(profile.palette),
      JSON.stringify(profile.typography),
      JSON.stringify(profile.logoRules),
      profile.toneVectors,
      profile.lexicon === null ? null : JSON.stringify(profile.lexicon),
      profile.messaging === null ? null : JSON.stringify(profile.messaging),
      profile.kmsKeyId,
      profile.encryptionVersion,
      profile.now,
    );
}

export function deleteBrandProfile(scope: TenantScope): D1PreparedStatement {
  return scope.db.prepare("DELETE FROM brand_profiles WHERE tenant_id = ?").bind(scope.tenantId);
}
