// RFC 6238 Appendix B: the reference TOTP values (8 digits) for SHA-1, SHA-256 and
// SHA-512 with the RFC's seeds, and the 6-digit, one-step-drift rules used at login.
import { describe, expect, it } from "vitest";
import { hotp, matchTotp, otpauthUri, type TotpHash, timeStep, totpAt } from "../../src/core/auth/totp";
import { toBase32, utf8 } from "../../src/core/crypto/encoding";

const SEEDS: Record<TotpHash, string> = {
  "SHA-1": "12345678901234567890",
  "SHA-256": "12345678901234567890123456789012",
  "SHA-512": "1234567890123456789012345678901234567890123456789012345678901234",
};

const APPENDIX_B: [number, string, TotpHash][] = [
  [59, "94287082", "SHA-1"],
  [59, "46119246", "SHA-256"],
  [59, "90693936", "SHA-512"],
  [1111111109, "07081804", "SHA-1"],
  [1111111109, "68084774", "SHA-256"],
  [1111111109, "25091201", "SHA-512"],
  [1111111111, "14050471", "SHA-1"],
  [1111111111, "67062674", "SHA-256"],
  [1111111111, "99943326", "SHA-512"],
  [1234567890, "89005924", "SHA-1"],
  [1234567890, "91819424", "SHA-256"],
  [1234567890, "93441116", "SHA-512"],
  [2000000000, "69279037", "SHA-1"],
  [2000000000, "90698825", "SHA-256"],
  [2000000000, "38618901", "SHA-512"],
  [20000000000, "65353130", "SHA-1"],
  [20000000000, "77737706", "SHA-256"],
  [20000000000, "47863826", "SHA-512"],
];

describe("TOTP (RFC 6238 Appendix B)", () => {
  it.each(APPENDIX_B)("T=%i gives %s with %s", async (time, expected, hash) => {
    expect(await hotp(utf8(SEEDS[hash]), timeStep(time), 8, hash)).toBe(expected);
  });
});

describe("login codes", () => {
  const secret = toBase32(utf8(SEEDS["SHA-1"]));
  const now = 1_700_000_000;

  it("are the last six digits of the SHA-1 value", async () => {
    expect(await totpAt(secret, 59)).toBe("287082");
  });

  it("match the current step and one step either side, and nothing further", async () => {
    const step = timeStep(now);
    expect(await matchTotp(secret, await totpAt(secret, now), now)).toBe(step);
    expect(await matchTotp(secret, await totpAt(secret, now - 30), now)).toBe(step - 1);
    expect(await matchTotp(secret, await totpAt(secret, now + 30), now)).toBe(step + 1);
    expect(await matchTotp(secret, await totpAt(secret, now - 60), now)).toBeNull();
    expect(await matchTotp(secret, await totpAt(secret, now + 60), now)).toBeNull();
  });

  it("refuse anything but six digits", async () => {
    expect(await matchTotp(secret, "12345", now)).toBeNull();
    expect(await matchTotp(secret, "abcdef", now)).toBeNull();
  });

  it("produce an otpauth URI authenticator apps read", () => {
    const uri = new URL(otpauthUri(secret, "a@example.com"));
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.searchParams.get("secret")).toBe(secret);
    expect(uri.searchParams.get("period")).toBe("30");
  });
});
