// Every D1 column that holds a tenant's secret, encrypted with the tenant's key.
// Key rotation re-encrypts exactly these; the plaintext scan test checks them.
// A new secret column is added here, or rotation will not know it.

export interface SecretColumn {
  table: string;
  /** The column naming the row (part of the ciphertext's context). */
  idColumn: string;
  column: string;
  /** "text": "enc1:<base64>" in a TEXT column; "blob": the envelope's bytes. */
  encoding: "text" | "blob";
  /** A column recording the key version of the row's secrets, when the table has one. */
  versionColumn?: string;
}

export const SECRET_COLUMNS: readonly SecretColumn[] = [
  { table: "users", idColumn: "user_id", column: "mfa_secret", encoding: "text" },
  { table: "social_accounts", idColumn: "account_id", column: "access_token_encrypted", encoding: "blob" },
  { table: "social_accounts", idColumn: "account_id", column: "refresh_token_encrypted", encoding: "blob" },
  // One profile per tenant: the tenant id names the row.
  {
    table: "brand_profiles",
    idColumn: "tenant_id",
    column: "embeddings",
    encoding: "blob",
    versionColumn: "encryption_version",
  },
  {
    table: "brand_profiles",
    idColumn: "tenant_id",
    column: "tone_vectors",
    encoding: "blob",
    versionColumn: "encryption_version",
  },
  // Outgoing webhooks' signing secrets (docs/webhooks.md): the current one, and the
  // rotated-out one while it still signs (24 hours).
  { table: "webhook_endpoints", idColumn: "endpoint_id", column: "secret_encrypted", encoding: "text" },
  { table: "webhook_endpoints", idColumn: "endpoint_id", column: "previous_secret_encrypted", encoding: "text" },
  // An erased person's e-mail and name, kept only while their archived audit days are
  // rewritten (migration 0031, docs/privacy.md, "A person's erasure").
  { table: "person_erasures", idColumn: "user_id", column: "email_encrypted", encoding: "text" },
  { table: "person_erasures", idColumn: "user_id", column: "name_encrypted", encoding: "text" },
];

/**
 * Columns holding a one-way digest of a credential: not encrypted (there is nothing to
 * re-encrypt, so rotation leaves them), but a digest lets anyone holding it test
 * guesses offline, so, like SECRET_COLUMNS, none ever leaves: a tenant's export and a
 * person's data leave out both lists and say so (src/core/privacy/withheld-columns.ts).
 */
export const CREDENTIAL_DIGEST_COLUMNS: readonly { table: string; column: string }[] = [
  { table: "users", column: "password_hash" },
  { table: "api_keys", column: "key_hash" },
];

/**
 * The additional authenticated data of a secret: tenant, table, column and row. A
 * ciphertext copied to another row, column or tenant does not decrypt.
 */
export function secretContext(tenantId: string, column: Pick<SecretColumn, "table" | "column">, rowId: string): string {
  return `dify-agent/${tenantId}/${column.table}.${column.column}/${rowId}`;
}

export function secretColumn(table: string, column: string): SecretColumn {
  const found = SECRET_COLUMNS.find((c) => c.table === table && c.column === column);
  if (!found) throw new Error(`${table}.${column} is not a registered secret column`);
  return found;
}
