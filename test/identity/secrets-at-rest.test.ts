// After secrets are stored, no D1 column holds any of them in plain text; key
// rotation re-encrypts them under a new version and old ciphertext stays readable.
import { describe, expect, it } from "vitest";
import { totpAt } from "../../src/core/auth/totp";
import { ciphertextVersion, textCiphertextBytes } from "../../src/core/crypto/envelope";
import { everyDatabase, tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { createKey, createTenant, login, PASSWORD } from "../support/tenants";

const now = () => Math.floor(Date.now() / 1000);

/**
 * Every TEXT and BLOB value of every table of every database (the global one and each
 * shard), as text (blobs decoded as latin1 and hex).
 */
async function everyStoredValue(): Promise<string[]> {
  const values: string[] = [];
  for (const { db } of everyDatabase()) {
    const { results: tables } = await db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
      )
      .all<{ name: string }>();
    for (const { name } of tables) {
      const { results: columns } = await db
        .prepare("SELECT name, type FROM pragma_table_info(?)")
        .bind(name)
        .all<{ name: string; type: string }>();
      for (const column of columns) {
        const { results } = await db
          .prepare(`SELECT ${column.name} AS v FROM ${name} WHERE typeof(${column.name}) IN ('text', 'blob')`)
          .all<{ v: string | ArrayBuffer | number[] }>();
        for (const { v } of results) {
          if (typeof v === "string") values.push(v);
          else {
            const bytes = v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v);
            values.push(String.fromCharCode(...bytes), [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(""));
          }
        }
      }
    }
  }
  return values;
}

async function mfaOn(tenantId: string, email: string): Promise<{ session: string; secret: string }> {
  const session = await login(tenantId, email);
  const enrolled = await json<{ secret: string }>(await call("/v1/me/mfa/enroll", { method: "POST", token: session }));
  await call("/v1/me/mfa/verify", { token: session, body: { code: await totpAt(enrolled.secret, now() - 30) } });
  return { session, secret: enrolled.secret };
}

async function mfaCiphertext(tenantId: string, userId: string): Promise<string> {
  const row = await (await tenantDb(tenantId))
    .prepare("SELECT mfa_secret FROM users WHERE user_id = ?")
    .bind(userId)
    .first<{ mfa_secret: string }>();
  return row?.mfa_secret as string;
}

describe("secrets at rest", () => {
  it("no text or blob column holds a password, an API key or an MFA secret in plain text", async () => {
    const tenant = await createTenant();
    const { secret } = await mfaOn(tenant.tenantId, tenant.ownerEmail);
    const extra = await createKey(tenant.ownerKey, { scopes: ["read:posts"] });
    const plaintexts = [
      PASSWORD,
      tenant.ownerKey,
      tenant.ownerKey.split("_")[2] as string,
      extra.key,
      extra.key.split("_")[2] as string,
      secret,
      secret.toLowerCase(),
    ];
    const stored = await everyStoredValue();
    // The scan does reach the rows that sit beside the secrets.
    expect(stored).toContain(tenant.ownerEmail);
    expect(stored).toContain(extra.key.split("_").slice(0, 2).join("_"));
    for (const plaintext of plaintexts) {
      const leaks = stored.filter((value) => value.includes(plaintext));
      expect(leaks, `plaintext found: ${plaintext.slice(0, 6)}…`).toEqual([]);
    }
    // And nothing the API returned or audited carries them either.
    const audit = await call("/v1/audit-logs?limit=100", { token: tenant.ownerKey });
    const text = await audit.text();
    for (const plaintext of plaintexts) expect(text).not.toContain(plaintext);
  });

  it("rotation re-encrypts every secret under the next version; sign-in keeps working", async () => {
    const tenant = await createTenant();
    const { secret } = await mfaOn(tenant.tenantId, tenant.ownerEmail);
    const before = await mfaCiphertext(tenant.tenantId, tenant.ownerId);
    expect(ciphertextVersion(textCiphertextBytes(before))).toBe(1);

    const session = await login(tenant.tenantId, tenant.ownerEmail, { totp: await totpAt(secret, now()) });
    const rotated = await call("/v1/tenant/rotate-key", { method: "POST", token: session });
    expect(rotated.status).toBe(200);
    expect(await json(rotated)).toEqual({
      encryption_version: 2,
      previous_version: 1,
      reencrypted: {
        "users.mfa_secret": 1,
        "social_accounts.access_token_encrypted": 0,
        "social_accounts.refresh_token_encrypted": 0,
        "brand_profiles.embeddings": 0,
        "brand_profiles.tone_vectors": 0,
        "webhook_endpoints.secret_encrypted": 0,
        "webhook_endpoints.previous_secret_encrypted": 0,
        "person_erasures.email_encrypted": 0,
        "person_erasures.name_encrypted": 0,
      },
    });
    const after = await mfaCiphertext(tenant.tenantId, tenant.ownerId);
    expect(after).not.toBe(before);
    expect(ciphertextVersion(textCiphertextBytes(after))).toBe(2);
    const tenantRow = await json<{ encryption_version: number }>(await call("/v1/tenant", { token: session }));
    expect(tenantRow.encryption_version).toBe(2);

    // New secrets are written at version 2 ...
    await call("/v1/me/mfa/disable", { token: session, body: { code: await totpAt(secret, now() + 30) } });
    const second = await mfaOn(tenant.tenantId, tenant.ownerEmail);
    expect(ciphertextVersion(textCiphertextBytes(await mfaCiphertext(tenant.tenantId, tenant.ownerId)))).toBe(2);

    // ... and a version-1 ciphertext that was never rewritten still reads: put the
    // old one back (as if rotation had not reached it) with its own secret.
    await (await tenantDb(tenant.tenantId))
      .prepare("UPDATE users SET mfa_secret = ? WHERE user_id = ?")
      .bind(before, tenant.ownerId)
      .run();
    await login(tenant.tenantId, tenant.ownerEmail, { totp: await totpAt(secret, now() + 30) });
    expect(second.secret).not.toBe(secret);
  });

  it("rotating again moves to version 3 and leaves nothing behind", async () => {
    const tenant = await createTenant();
    const { session } = await mfaOn(tenant.tenantId, tenant.ownerEmail);
    for (const expected of [2, 3]) {
      const res = await call("/v1/tenant/rotate-key", { method: "POST", token: session });
      expect((await json<{ encryption_version: number }>(res)).encryption_version).toBe(expected);
    }
    expect(ciphertextVersion(textCiphertextBytes(await mfaCiphertext(tenant.tenantId, tenant.ownerId)))).toBe(3);
  });
});
