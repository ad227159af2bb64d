import { describe, expect, it } from "vitest";
import { utf8 } from "../../src/core/crypto/encoding";
import {
  ciphertextVersion,
  DecryptionError,
  decryptBytes,
  decryptText,
  encryptBytes,
  encryptText,
} from "../../src/core/crypto/envelope";

const master = "dGVzdC1tYXN0ZXIta2V5LTAxMjM0NTY3ODlhYmNkZWY=";
const v1 = { masterKey: master, kmsKeyId: "kms_tenant", version: 1 };
const v2 = { ...v1, version: 2 };

describe("envelope encryption", () => {
  it("round-trips and records the key version in the ciphertext", async () => {
    const sealed = await encryptBytes(v2, utf8("refresh-token-123"), "ctx");
    expect(ciphertextVersion(sealed)).toBe(2);
    expect(new TextDecoder().decode(await decryptBytes(v1, sealed, "ctx"))).toBe("refresh-token-123");
  });

  it("keeps old versions readable after the tenant moves on", async () => {
    const old = await encryptText(v1, "JBSWY3DPEHPK3PXP", "ctx");
    expect(await decryptText(v2, old, "ctx")).toBe("JBSWY3DPEHPK3PXP");
  });

  it("uses a fresh IV: the same plaintext never encrypts the same way twice", async () => {
    const a = await encryptText(v1, "same", "ctx");
    const b = await encryptText(v1, "same", "ctx");
    expect(a).not.toBe(b);
  });

  it("refuses another tenant's key, another context, and tampering", async () => {
    const sealed = await encryptBytes(v1, utf8("secret"), "tenant-a/users.mfa_secret/usr_1");
    await expect(
      decryptBytes({ ...v1, kmsKeyId: "kms_other" }, sealed, "tenant-a/users.mfa_secret/usr_1"),
    ).rejects.toThrow(DecryptionError);
    await expect(decryptBytes(v1, sealed, "tenant-a/users.mfa_secret/usr_2")).rejects.toThrow(DecryptionError);
    const tampered = sealed.slice();
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;
    await expect(decryptBytes(v1, tampered, "tenant-a/users.mfa_secret/usr_1")).rejects.toThrow(DecryptionError);
  });

  it("never contains the plaintext", async () => {
    const text = await encryptText(v1, "JBSWY3DPEHPK3PXP", "ctx");
    expect(text).not.toContain("JBSWY3DPEHPK3PXP");
    expect(text.startsWith("enc1:")).toBe(true);
  });
});
