// Step 3: the tenant's platform grants, revoked at each platform that offers a
// revocation (X's POST /2/oauth2/revoke, Graph's DELETE /me/permissions for Facebook and
// Instagram; LinkedIn offers none: src/core/platforms/*.ts revoke). Each account's
// tokens are read from its shard and decrypted with the tenant's key (its id from the
// shard's residency row: the directory has forgotten the tenant by now; a ciphertext
// names its own key version).
//
// A refused or failed revocation does not stop the erasure: it is counted and recorded
// by platform, error kind and HTTP status, never the platform's words (the record keeps
// no personal value), and the erasure goes on. Tokens that could not be revoked stop
// being usable by this product at once (they are erased with the shard's rows); at the
// platform they live until they expire or the person withdraws the app's access. A
// token the platform no longer accepts (expired, or revoked already) is counted apart:
// there is nothing left to revoke with it.
//
// A page of accounts per unit; repeated after a crash, a page's revocations are asked
// again (X answers a revoked token's revocation as done, Graph refuses the dead token:
// counted as invalid) and counted again.
import { TenantCipher } from "../crypto/tenant-cipher";
import { blobBytes } from "../db/social-accounts";
import type { RevocationTally } from "../db/tenant-erasures";
import { scopeOn } from "../db/tenant-scope";
import { platformAdapter } from "../platforms";
import { isPlatformError } from "../platforms/errors";
import type { Platform } from "../platforms/types";
import type { Erasure, ErasureRun, Unit } from "./context";

const PAGE = 10;
/** Failures listed per platform (all are counted). */
const MAX_LISTED = 50;

type GrantRow = {
  account_id: string;
  platform: Platform;
  platform_user_id: string;
  access_token_encrypted: ArrayBuffer | number[] | null;
  refresh_token_encrypted: ArrayBuffer | number[] | null;
};

function tally(erasure: Erasure, platform: Platform): RevocationTally {
  const known = erasure.revocations[platform];
  if (known) return known;
  const fresh: RevocationTally = { revoked: 0, invalid: 0, failed: 0, unsupported: 0, failures: [] };
  erasure.revocations[platform] = fresh;
  return fresh;
}

export async function revokeGrants(run: ErasureRun, erasure: Erasure, cursor: unknown): Promise<Unit> {
  if (!erasure.shard) return { done: true };
  const after = (cursor as { after?: string } | null)?.after ?? "";
  const scope = scopeOn(run.env, { tenantId: erasure.tenantId, shard: erasure.shard });
  run.calls.spend();
  const { results: rows } = await scope.db
    .prepare(
      `SELECT account_id, platform, platform_user_id, access_token_encrypted, refresh_token_encrypted
       FROM social_accounts WHERE tenant_id = ? AND account_id > ? ORDER BY account_id LIMIT ?`,
    )
    .bind(erasure.tenantId, after, PAGE)
    .all<GrantRow>();
  if (rows.length === 0) return { done: true };
  run.calls.spend();
  const residency = await scope.db
    .prepare("SELECT kms_key_id FROM tenant_residency WHERE tenant_id = ?")
    .bind(erasure.tenantId)
    .first<{ kms_key_id: string }>();
  for (const row of rows) {
    const counted = tally(erasure, row.platform);
    try {
      if (!residency) throw new Error("no residency row: the tenant's key is unknown");
      // Decryption reads the key version from each ciphertext; the version given is for encrypting.
      const cipher = new TenantCipher(run.env.KMS_MASTER_KEY, erasure.tenantId, {
        kmsKeyId: residency.kms_key_id,
        encryptionVersion: 1,
      });
      const open = async (column: string, stored: GrantRow["access_token_encrypted"]) => {
        const bytes = stored ? blobBytes(stored) : null;
        if (!bytes?.length) return null;
        return new TextDecoder().decode(await cipher.decryptBytes("social_accounts", column, row.account_id, bytes));
      };
      const accessToken = (await open("access_token_encrypted", row.access_token_encrypted)) ?? "";
      const refreshToken = await open("refresh_token_encrypted", row.refresh_token_encrypted);
      run.calls.spend();
      const adapter = platformAdapter(run.env, row.platform, undefined, () => run.nowMs);
      const outcome = await adapter.revoke({ accessToken, refreshToken, platformUserId: row.platform_user_id });
      counted[outcome] += 1;
    } catch (error) {
      // The platform no longer accepts the token (it expired, or a revocation repeated
      // after a crash finds it revoked): no grant acts with it any more.
      if (isPlatformError(error) && error.kind === "auth") {
        counted.invalid += 1;
        continue;
      }
      counted.failed += 1;
      if (counted.failures.length < MAX_LISTED)
        counted.failures.push({
          kind: isPlatformError(error) ? error.kind : "error",
          status: isPlatformError(error) ? (error.details.status ?? null) : null,
        });
      console.warn(`erasure ${erasure.erasureId}: a ${row.platform} grant was not revoked (${String(error)})`);
    }
  }
  const last = rows[rows.length - 1] as GrantRow;
  return rows.length < PAGE ? { done: true } : { done: false, cursor: { after: last.account_id } };
}
