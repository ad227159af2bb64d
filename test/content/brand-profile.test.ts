// The brand profile: what goes in encrypted never comes out, no tenant reaches
// another's, every access is audited, key rotation re-encrypts it.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ciphertextVersion } from "../../src/core/crypto/envelope";
import { TenantCipher } from "../../src/core/crypto/tenant-cipher";
import { bytesToVector } from "../../src/core/vector/codec";
import { decodeNamedVectors } from "../../src/core/vector/named-vectors";
import { vectorIndex } from "../../src/core/vector/resolve";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { createTenant, login, type TestTenant } from "../support/tenants";
import { TEST_SECRETS } from "../support/test-secrets";
import { embedding, float32 } from "./vectors";

function profile(overrides: Record<string, unknown> = {}) {
  return {
    embeddings: embedding(),
    palette: ["#1a5f7a", "#57cc99", "#f0f3bd"],
    typography: { headline: "Montserrat Bold 48pt", body: "Inter 16pt" },
    logo_rules: { min_size_px: 120, safe_zone_px: 40 },
    lexicon: { products: "industrial-grade" },
    messaging: { taglines: ["Built on trust"] },
    ...overrides,
  };
}

async function put(tenant: TestTenant, body: unknown): Promise<Response> {
  return call("/v1/brand-profile", { method: "PUT", token: tenant.ownerKey, body });
}

async function storedRow(tenantId: string) {
  return (await tenantDb(tenantId))
    .prepare("SELECT embeddings, tone_vectors, encryption_version FROM brand_profiles WHERE tenant_id = ?")
    .bind(tenantId)
    .first<{ embeddings: number[]; tone_vectors: number[] | null; encryption_version: number }>();
}

async function cipherOf(tenantId: string, version: number): Promise<TenantCipher> {
  const row = await env.DB.prepare("SELECT kms_key_id FROM tenants WHERE tenant_id = ?")
    .bind(tenantId)
    .first<{ kms_key_id: string }>();
  return new TenantCipher(TEST_SECRETS.KMS_MASTER_KEY, tenantId, {
    kmsKeyId: row?.kms_key_id as string,
    encryptionVersion: version,
  });
}

function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

describe("the brand profile", () => {
  it("saves the profile, answers it without vectors, and stores the voice encrypted", async () => {
    const tenant = await createTenant();
    const tones = { confident: embedding(), warm: embedding() };
    const body = profile({ tone_vectors: tones });
    const res = await put(tenant, body);
    expect(res.status, await res.clone().text()).toBe(200);
    const saved = await json(res);
    expect(saved).toEqual({
      palette: body.palette,
      typography: body.typography,
      logo_rules: body.logo_rules,
      lexicon: body.lexicon,
      messaging: body.messaging,
      has_tone_vectors: true,
      encryption_version: 1,
      updated_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
    const read = await call("/v1/brand-profile", { token: tenant.ownerKey });
    expect(await json(read)).toEqual(saved);

    const row = await storedRow(tenant.tenantId);
    const plain = new Uint8Array(Float32Array.from(body.embeddings).buffer);
    const stored = new Uint8Array(row?.embeddings as number[]);
    // The plaintext bytes appear nowhere in the ciphertext (a 64-byte window is plenty).
    expect(containsBytes(stored, plain.slice(0, 64))).toBe(false);
    const cipher = await cipherOf(tenant.tenantId, 1);
    const embeddings = await cipher.decryptBytes("brand_profiles", "embeddings", tenant.tenantId, stored);
    expect(Array.from(bytesToVector(embeddings.buffer))).toEqual(float32(body.embeddings));
    const toneBytes = await cipher.decryptBytes(
      "brand_profiles",
      "tone_vectors",
      tenant.tenantId,
      new Uint8Array(row?.tone_vectors as number[]),
    );
    expect(decodeNamedVectors(toneBytes)).toEqual({
      confident: float32(tones.confident),
      warm: float32(tones.warm),
    });
  });

  it("puts the voice in the brand-voice index under the tenant's id and namespace", async () => {
    const tenant = await createTenant();
    const body = profile();
    expect((await put(tenant, body)).status).toBe(200);
    const [vector] = await vectorIndex(env, "brandVoice").getByIds([tenant.tenantId]);
    expect(vector?.namespace).toBe(tenant.tenantId);
    expect(vector?.metadata).toMatchObject({ tenant_id: tenant.tenantId, region: "eu-west" });
    expect(vector?.values).toEqual(float32(body.embeddings));
    // A second PUT replaces it: one vector per tenant.
    const next = profile({ palette: ["#000"] });
    expect((await put(tenant, next)).status).toBe(200);
    const [replaced] = await vectorIndex(env, "brandVoice").getByIds([tenant.tenantId]);
    expect(replaced?.values).toEqual(float32(next.embeddings));
    const { matches } = await vectorIndex(env, "brandVoice").query(next.embeddings, {
      namespace: tenant.tenantId,
      topK: 10,
    });
    expect(matches.map((m) => m.id)).toEqual([tenant.tenantId]);
  });

  it("is never readable by another tenant", async () => {
    const a = await createTenant();
    const b = await createTenant();
    expect((await put(a, profile({ palette: ["#aaaaaa"] }))).status).toBe(200);
    const none = await call("/v1/brand-profile", { token: b.ownerKey });
    expect(none.status).toBe(404);
    expect(await none.text()).not.toContain("#aaaaaa");
    expect((await put(b, profile({ palette: ["#bbbbbb"] }))).status).toBe(200);
    expect((await json<{ palette: string[] }>(await call("/v1/brand-profile", { token: a.ownerKey }))).palette).toEqual(
      ["#aaaaaa"],
    );
    expect((await json<{ palette: string[] }>(await call("/v1/brand-profile", { token: b.ownerKey }))).palette).toEqual(
      ["#bbbbbb"],
    );
    // B's delete removes B's profile and vector only.
    expect((await call("/v1/brand-profile", { method: "DELETE", token: b.ownerKey })).status).toBe(204);
    expect((await call("/v1/brand-profile", { token: b.ownerKey })).status).toBe(404);
    expect((await call("/v1/brand-profile", { token: a.ownerKey })).status).toBe(200);
    const left = await vectorIndex(env, "brandVoice").getByIds([a.tenantId, b.tenantId]);
    expect(left.map((v) => v.id)).toEqual([a.tenantId]);
  });

  it("audits reads and changes, never with a vector", async () => {
    const tenant = await createTenant();
    await put(tenant, profile({ tone_vectors: { bold: embedding() } }));
    await call("/v1/brand-profile", { token: tenant.ownerKey });
    const { results } = await (await tenantDb(tenant.tenantId))
      .prepare(
        "SELECT action, metadata FROM audit_logs WHERE tenant_id = ? AND resource_type = 'brand_profile' ORDER BY timestamp, log_id",
      )
      .bind(tenant.tenantId)
      .all<{ action: string; metadata: string | null }>();
    expect(results.map((r) => r.action)).toEqual(["brand_profile.put", "brand_profile.read"]);
    expect(JSON.parse(results[0]?.metadata as string)).toEqual({ tone_vectors: ["bold"], palette_size: 3 });
  });

  it("refuses a wrong dimension or colour naming the field, and writes nothing", async () => {
    const tenant = await createTenant();
    const short = await put(tenant, profile({ embeddings: embedding(1535) }));
    expect(short.status).toBe(400);
    expect((await json<{ errors: { field: string }[] }>(short)).errors.map((e) => e.field)).toContain("embeddings");
    const colour = await put(tenant, profile({ palette: ["red"] }));
    expect((await json<{ errors: { field: string }[] }>(colour)).errors.map((e) => e.field)).toContain("palette.0");
    const zero = await put(tenant, profile({ embeddings: new Array(1536).fill(0) }));
    expect(zero.status).toBe(400);
    expect(await storedRow(tenant.tenantId)).toBeNull();
  });

  it("is re-encrypted by key rotation and still reads", async () => {
    const tenant = await createTenant();
    const body = profile({ tone_vectors: { calm: embedding() } });
    await put(tenant, body);
    const session = await login(tenant.tenantId, tenant.ownerEmail);
    const rotated = await call("/v1/tenant/rotate-key", { method: "POST", token: session });
    expect(await json(rotated)).toMatchObject({
      encryption_version: 2,
      reencrypted: { "brand_profiles.embeddings": 1, "brand_profiles.tone_vectors": 1 },
    });
    const row = await storedRow(tenant.tenantId);
    expect(row?.encryption_version).toBe(2);
    const stored = new Uint8Array(row?.embeddings as number[]);
    expect(ciphertextVersion(stored)).toBe(2);
    const cipher = await cipherOf(tenant.tenantId, 2);
    const plain = await cipher.decryptBytes("brand_profiles", "embeddings", tenant.tenantId, stored);
    expect(Array.from(bytesToVector(plain.buffer))).toEqual(float32(body.embeddings));
    expect((await call("/v1/brand-profile", { token: session })).status).toBe(200);
  });
});
