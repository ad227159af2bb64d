// The columns whose values never leave in a tenant's export or a person's data
// (docs/privacy.md, "What is left out"): every secret encrypted at rest
// (src/core/crypto/secret-columns.ts: OAuth tokens, MFA secrets, the brand profile's
// vector ciphertexts) and every credential digest (password and API-key hashes). An
// export's manifest lists each, with why; the row keeps every other column.
import { CREDENTIAL_DIGEST_COLUMNS, SECRET_COLUMNS } from "../crypto/secret-columns";

export interface WithheldColumn {
  table: string;
  column: string;
  reason: string;
}

/** Why each kind is left out, as the manifest says it. */
const SECRET_REASON =
  "a secret, encrypted with the tenant's key (an OAuth token, an MFA secret or a vector's ciphertext)";
const DIGEST_REASON = "a one-way digest of a credential (a password or an API key)";

/** Every withheld column of the shard's tables, secrets first. */
export const WITHHELD_COLUMNS: readonly WithheldColumn[] = [
  ...SECRET_COLUMNS.map(({ table, column }) => ({ table, column, reason: SECRET_REASON })),
  ...CREDENTIAL_DIGEST_COLUMNS.map(({ table, column }) => ({ table, column, reason: DIGEST_REASON })),
];

/** The names of `table`'s withheld columns. */
export function withheldOf(table: string): Set<string> {
  return new Set(WITHHELD_COLUMNS.filter((c) => c.table === table).map((c) => c.column));
}
