import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { apiKeyPrefix, digestApiKey, generateApiKey } from "../../src/core/auth/api-key-format";
import {
  decoyPasswordHash,
  hashPassword,
  PBKDF2_ITERATIONS,
  passwordIterations,
  verifyPassword,
} from "../../src/core/auth/passwords";
import { tenantDb } from "../support/databases";
import { createTenant, login } from "../support/tenants";

describe("API keys", () => {
  it("look like dify_<prefix>_<secret> and are stored as prefix plus SHA-256", async () => {
    const generated = await generateApiKey();
    expect(generated.key).toMatch(/^dify_[a-z2-7]{12}_[a-z2-7]{32}$/);
    expect(apiKeyPrefix(generated.key)).toBe(generated.keyPrefix);
    expect(generated.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await digestApiKey(generated.key)).toBe(generated.keyHash);
    expect(generated.keyHash).not.toContain(generated.key.split("_")[2]);
  });

  it("are unique", async () => {
    const keys = await Promise.all(Array.from({ length: 50 }, () => generateApiKey()));
    expect(new Set(keys.map((k) => k.keyPrefix)).size).toBe(50);
  });

  it("have no prefix when malformed", () => {
    expect(apiKeyPrefix("dify_short_x")).toBeNull();
    expect(apiKeyPrefix("Bearer dify_abcdefghijkl_abcdefghijklmnopqrstuvwxyz234567")).toBeNull();
  });
});

describe("passwords", () => {
  it("are PBKDF2-SHA256 with their parameters stored beside the hash", async () => {
    const stored = await hashPassword("correct horse battery staple", PBKDF2_ITERATIONS);
    expect(stored).toMatch(new RegExp(`^pbkdf2-sha256\\$${PBKDF2_ITERATIONS}\\$[\\w-]{22}\\$[\\w-]{43}$`));
    expect(await verifyPassword("correct horse battery staple", stored)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", stored)).toBe(false);
  });

  it("verify with the iterations recorded in the hash", async () => {
    const cheap = await hashPassword("old password hash", 1000);
    expect(cheap).toContain("$1000$");
    expect(await verifyPassword("old password hash", cheap)).toBe(true);
  });

  it("salt every hash", async () => {
    expect(await hashPassword("same", 1000)).not.toBe(await hashPassword("same", 1000));
  });

  it("get 100,000 iterations without PASSWORD_ITERATIONS; only the test suite's binding asks for fewer", () => {
    expect(passwordIterations({})).toBe(100_000);
    expect(passwordIterations({ PASSWORD_ITERATIONS: "" })).toBe(100_000);
    expect(passwordIterations({ PASSWORD_ITERATIONS: "1000" })).toBe(1000);
    // This suite's configuration (vitest.config.ts).
    expect(passwordIterations(env)).toBe(1000);
  });

  it("are hashed with the configured iterations by the API, and sign in", async () => {
    const tenant = await createTenant();
    const stored = await (await tenantDb(tenant.tenantId))
      .prepare("SELECT password_hash FROM users WHERE user_id = ?")
      .bind(tenant.ownerId)
      .first<string>("password_hash");
    expect(stored).toMatch(/^pbkdf2-sha256\$1000\$/);
    expect(await login(tenant.tenantId, tenant.ownerEmail)).toMatch(/\S/);
  });

  it("refuse a PASSWORD_ITERATIONS that is not a whole number from 1,000 to 100,000", () => {
    for (const value of ["999", "0", "-5", "1000.5", "abc", "100001", "1e9"]) {
      expect(() => passwordIterations({ PASSWORD_ITERATIONS: value }), value).toThrow(/PASSWORD_ITERATIONS/);
    }
  });

  it("make an unknown user's decoy cost what a real hash of the same iterations costs", async () => {
    for (const iterations of [1000, PBKDF2_ITERATIONS]) {
      const decoy = decoyPasswordHash(iterations);
      expect(decoy.split("$")[1], String(iterations)).toBe(String(iterations));
      expect(decoy.split("$").map((part) => part.length)).toEqual(
        (await hashPassword("x", iterations)).split("$").map((part) => part.length),
      );
      expect(await verifyPassword("any password at all", decoy), String(iterations)).toBe(false);
    }
  });
});
