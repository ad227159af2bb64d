// The archive job of a person's erasure (docs/privacy.md, "A person's erasure"): its row
// in the tenant's shard (migration 0031, person_erasures), written in the erasure's own
// batch and deleted when the job ends. The row holds the job's checkpoint and the only
// copy of the person's e-mail and name the job needs, encrypted with the tenant's key
// (src/core/crypto/secret-columns.ts; key rotation re-encrypts them like any secret).
// Its TenantObject runs the job (objects/privacy/archive-erasure.ts).
import type { TenantCipher } from "../crypto/tenant-cipher";
import type { TenantScope } from "../db/tenant-scope";

/**
 * Pass 2 starts no sooner than this after the erasure. A retention run that read the
 * person's rows from D1 just before the erasure may write them to a day after pass 1
 * read it; a run is one cron invocation (at most 15 minutes of wall time) or one
 * operator request, so an hour is past the end of any run that began before the erasure.
 */
export const CONFIRM_DELAY_MS = 3_600_000;

export interface ErasureJob {
  user_id: string;
  pseudonym: string;
  email_encrypted: string;
  name_encrypted: string | null;
  erased_at: string;
  pass: 1 | 2;
  after_key: string | null;
  confirm_after: string;
  days_read: number;
  days_rewritten: number;
  rows_rewritten: number;
}

/** Who the job erases, as it needs them: the e-mail in lower case, the name as the user row had it. */
export interface ErasedIdentity {
  userId: string;
  pseudonym: string;
  email: string;
  name: string | null;
}

const SECRET_TABLE = "person_erasures";

/**
 * The job's row for the erasure's batch. A repeat erasure while the job runs keeps the
 * row as it is: its user row no longer holds their real e-mail, the job's row does.
 */
export async function erasureJobStatement(
  scope: TenantScope,
  cipher: TenantCipher,
  person: ErasedIdentity,
  erasedAtMs: number,
): Promise<D1PreparedStatement> {
  const email = await cipher.encryptText(SECRET_TABLE, "email_encrypted", person.userId, person.email.toLowerCase());
  const name = person.name
    ? await cipher.encryptText(SECRET_TABLE, "name_encrypted", person.userId, person.name)
    : null;
  const erasedAt = new Date(erasedAtMs).toISOString();
  return scope.db
    .prepare(
      `INSERT INTO person_erasures (tenant_id, user_id, pseudonym, email_encrypted, name_encrypted, erased_at,
         confirm_after, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6)
       ON CONFLICT (tenant_id, user_id) DO NOTHING`,
    )
    .bind(
      scope.tenantId,
      person.userId,
      person.pseudonym,
      email,
      name,
      erasedAt,
      new Date(erasedAtMs + CONFIRM_DELAY_MS).toISOString(),
    );
}

/** The tenant's oldest job still running; null when none is. */
export function oldestErasureJob(scope: TenantScope): Promise<ErasureJob | null> {
  return scope.db
    .prepare("SELECT * FROM person_erasures WHERE tenant_id = ? ORDER BY erased_at, user_id LIMIT 1")
    .bind(scope.tenantId)
    .first<ErasureJob>();
}

/** The job's e-mail and name, decrypted (the tenant's key of any version: the ciphertext names it). */
export async function openErasureJob(cipher: TenantCipher, job: ErasureJob): Promise<ErasedIdentity> {
  return {
    userId: job.user_id,
    pseudonym: job.pseudonym,
    email: await cipher.decryptText(SECRET_TABLE, "email_encrypted", job.user_id, job.email_encrypted),
    name:
      job.name_encrypted === null
        ? null
        : await cipher.decryptText(SECRET_TABLE, "name_encrypted", job.user_id, job.name_encrypted),
  };
}

export interface ErasureCheckpoint {
  pass: 1 | 2;
  afterKey: string | null;
  daysRead: number;
  daysRewritten: number;
  rowsRewritten: number;
}

/** Moves the job's checkpoint. */
export async function checkpointErasureJob(
  scope: TenantScope,
  userId: string,
  at: ErasureCheckpoint,
  now: string,
): Promise<void> {
  // Through batch(): the tenant's residency fences the write (src/core/db/resident-database.ts).
  await scope.db.batch([
    scope.db
      .prepare(
        `UPDATE person_erasures SET pass = ?3, after_key = ?4, days_read = ?5, days_rewritten = ?6,
           rows_rewritten = ?7, updated_at = ?8
         WHERE tenant_id = ?1 AND user_id = ?2`,
      )
      .bind(scope.tenantId, userId, at.pass, at.afterKey, at.daysRead, at.daysRewritten, at.rowsRewritten, now),
  ]);
}

/** The job is done: its row, and the e-mail and name in it, are deleted (with `also`, in one batch). */
export async function endErasureJob(scope: TenantScope, userId: string, also: D1PreparedStatement[]): Promise<void> {
  await scope.db.batch([
    scope.db.prepare("DELETE FROM person_erasures WHERE tenant_id = ? AND user_id = ?").bind(scope.tenantId, userId),
    ...also,
  ]);
}
