// RFC 5869 Appendix A (the SHA-256 cases) and the tenant-key derivation built on it.
import { describe, expect, it } from "vitest";
import { fromHex, toHex, utf8 } from "../../src/core/crypto/encoding";
import { deriveTenantKey, hkdfSha256 } from "../../src/core/crypto/tenant-keys";

const VECTORS = [
  {
    name: "A.1 basic",
    ikm: "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
    salt: "000102030405060708090a0b0c",
    info: "f0f1f2f3f4f5f6f7f8f9",
    length: 42,
    okm: "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
  },
  {
    name: "A.2 longer inputs and outputs",
    ikm: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f",
    salt: "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
    info: "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
    length: 82,
    okm: "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87",
  },
  {
    name: "A.3 zero-length salt and info",
    ikm: "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
    salt: "",
    info: "",
    length: 42,
    okm: "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
  },
];

describe("HKDF-SHA256 (RFC 5869)", () => {
  it.each(VECTORS)("$name", async (vector) => {
    const okm = await hkdfSha256(fromHex(vector.ikm), fromHex(vector.salt), fromHex(vector.info), vector.length);
    expect(toHex(okm)).toBe(vector.okm);
  });
});

describe("tenant keys", () => {
  const master = "dGVzdC1tYXN0ZXIta2V5LTAxMjM0NTY3ODlhYmNkZWY=";

  async function sealWith(key: CryptoKey): Promise<Uint8Array> {
    const iv = new Uint8Array(12);
    return new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, utf8("same plaintext")));
  }

  it("differ per tenant and per version, and are stable for the same inputs", async () => {
    const a1 = toHex(await sealWith(await deriveTenantKey(master, "kms_a", 1)));
    const a1again = toHex(await sealWith(await deriveTenantKey(master, "kms_a", 1)));
    const a2 = toHex(await sealWith(await deriveTenantKey(master, "kms_a", 2)));
    const b1 = toHex(await sealWith(await deriveTenantKey(master, "kms_b", 1)));
    expect(a1).toBe(a1again);
    expect(new Set([a1, a2, b1]).size).toBe(3);
  });

  it("refuse a master key that is too short or not base64", async () => {
    await expect(deriveTenantKey("c2hvcnQ=", "kms_a", 1)).rejects.toThrow(/32 bytes/);
    await expect(deriveTenantKey("not base64!", "kms_a", 1)).rejects.toThrow(/base64/);
  });
});
