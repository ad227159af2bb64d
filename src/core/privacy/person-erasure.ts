// A person's erasure in the tenant's shard (POST /v1/users/{id}/erase; docs/privacy.md,
// "A person's rights"), as one D1 batch, so it happens whole or not at all:
//
// 1. Their user row is anonymised (status deleted, e-mail "<pseudonym>@erased.invalid",
//    no name, password, OAuth link, MFA or last sign-in). The row stays because their
//    API keys' foreign key names it; the tenant keeps an active owner (migration 0007's
//    trigger refuses the last one, and the whole batch with it: 409).
// 2. Their API keys are revoked.
// 3. Their e-mail leaves every text column of every tenant table, and their name every
//    JSON value that is exactly it (audit metadata, content fields): each becomes
//    "[erased]". The e-mail is matched as the user row holds it (lower case).
// 4. Every column naming them as actor or author (TENANT_TABLES' `members`) names their
//    pseudonym instead (src/core/privacy/pseudonym.ts); their audit rows keep every
//    action but lose the address and browser they came from. No audit row is deleted:
//    the trail counts what it counted.
// 5. Audit rows about them as a user (resource "user") name the pseudonym too.
import { revokeUserApiKeys } from "../db/api-keys";
import type { TenantScope } from "../db/tenant-scope";
import type { UserRow } from "../db/users";
import { TENANT_TABLES } from "../placement/move/tenant-tables";
import { ERASED_TEXT } from "./pseudonym";

/** Declared types of columns that hold text a person may appear in (not dates, numbers or bytes). */
const TEXT_TYPES = new Set(["TEXT", "JSON", ""]);

interface ColumnInfo {
  name: string;
  type: string;
}

function quoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The text and JSON columns of every tenant table, from the shard's own schema (one batch). */
async function textColumns(db: D1Database): Promise<Map<string, { text: string[]; json: string[] }>> {
  const read = await db.batch<ColumnInfo>(
    TENANT_TABLES.map((table) =>
      db.prepare("SELECT name, upper(type) AS type FROM pragma_table_info(?)").bind(table.name),
    ),
  );
  const tables = new Map<string, { text: string[]; json: string[] }>();
  for (const [i, table] of TENANT_TABLES.entries()) {
    const entry = { text: [] as string[], json: [] as string[] };
    for (const column of read[i]?.results ?? []) {
      if (TEXT_TYPES.has(column.type)) (column.type === "JSON" ? entry.json : entry.text).push(column.name);
    }
    tables.set(table.name, entry);
  }
  return tables;
}

/**
 * The statements erasing `user`, in order; `now` is the erasure's time. The batch's
 * own audit row is the caller's (src/router/routes/user-privacy.ts).
 */
export async function personErasureStatements(
  scope: TenantScope,
  user: UserRow,
  pseudonym: string,
  now: string,
): Promise<D1PreparedStatement[]> {
  const { db, tenantId } = scope;
  const statements: D1PreparedStatement[] = [
    db
      .prepare(
        `UPDATE users SET status = 'deleted', email = ?3, password_hash = '!', full_name = NULL, oauth_provider = NULL,
           oauth_sub = NULL, mfa_enabled = 0, mfa_secret = NULL, last_login_at = NULL, updated_at = ?4
         WHERE tenant_id = ?1 AND user_id = ?2`,
      )
      .bind(tenantId, user.user_id, `${pseudonym}@erased.invalid`, now),
    revokeUserApiKeys(scope, user.user_id),
  ];
  const columns = await textColumns(db);
  const name = user.full_name ? JSON.stringify(user.full_name) : null;
  for (const table of TENANT_TABLES) {
    if (table.name === "users") continue;
    const found = columns.get(table.name);
    if (!found) continue;
    const sets: string[] = [];
    const tests: string[] = [];
    for (const column of found.text) {
      sets.push(`${quoted(column)} = replace(${quoted(column)}, ?2, '${ERASED_TEXT}')`);
      tests.push(`instr(${quoted(column)}, ?2) > 0`);
    }
    for (const column of found.json) {
      const emailOut = `replace(${quoted(column)}, ?2, '${ERASED_TEXT}')`;
      sets.push(`${quoted(column)} = ${name ? `replace(${emailOut}, ?3, '"${ERASED_TEXT}"')` : emailOut}`);
      tests.push(`instr(${quoted(column)}, ?2) > 0`);
      if (name) tests.push(`instr(${quoted(column)}, ?3) > 0`);
    }
    if (sets.length === 0) continue;
    statements.push(
      db
        .prepare(
          `UPDATE ${quoted(table.name)} SET ${sets.join(", ")} WHERE (${table.where}) AND (${tests.join(" OR ")})`,
        )
        // D1 takes exactly the parameters a statement names: the name only where a JSON column is.
        .bind(...(name && found.json.length > 0 ? [tenantId, user.email, name] : [tenantId, user.email])),
    );
  }
  for (const table of TENANT_TABLES) {
    for (const column of table.members ?? []) {
      // Their own requests' address and browser go with their name.
      const extra = table.name === "audit_logs" ? ", ip_address = NULL, user_agent = NULL" : "";
      statements.push(
        db
          .prepare(
            `UPDATE ${quoted(table.name)} SET ${quoted(column)} = ?3${extra} WHERE (${table.where}) AND ${quoted(column)} = ?2`,
          )
          .bind(tenantId, user.user_id, pseudonym),
      );
    }
  }
  statements.push(
    db
      .prepare(
        "UPDATE audit_logs SET resource_id = ?3 WHERE resource_type = 'user' AND resource_id = ?2 AND tenant_id = ?1",
      )
      .bind(tenantId, user.user_id, pseudonym),
  );
  return statements;
}
