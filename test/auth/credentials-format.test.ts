import { describe, expect, it } from "vitest";
import { apiKeyPrefix, digestApiKey, generateApiKey } from "../../src/auth/api-key-format";
import { hashPassword, PBKDF2_ITERATIONS, verifyPassword } from "../../src/auth/passwords";

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
    const stored = await hashPassword("correct horse battery staple");
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
    expect(await hashPassword("same")).not.toBe(await hashPassword("same"));
  });
});
