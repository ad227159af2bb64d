// A person's erasure in the tenant's shard (POST /v1/users/{id}/erase; docs/privacy.md,
// "A person's rights"), as one D1 batch, so it happens whole or not at all:
//
// 1. Their user row is anonymised (status deleted, e-mail "<pseudonym>@erased.invalid",
//    no name, password, OAuth link, MFA or last sign-in). The row stays because their
//    API keys' foreign key names it; the tenant keeps an active owner (migration 0007's
//    trigger refuses the last one, and the whole batch with it: 409).
// 2. Their API keys are revoked.
// 3. Their e-mail leaves every text column of every tenant table, in any case (ASCII
//    letters: SQLite's lower()), and their name every JSON value that is exactly it
//    (audit metadata, content fields): each becomes "[erased]". In the audit trail's own
//    text (metadata, error messages) their user id becomes the pseudonym.
// 4. Every column naming them as actor or author (TENANT_TABLES' `members`) names their
//    pseudonym instead (src/core/privacy/pseudonym.ts); their audit rows keep every
//    action but lose the address and browser they came from. No audit row is deleted:
//    the trail counts what it counted.
// 5. Audit rows about them as a user (resource "user") name the pseudonym too.
// 6. The job that rewrites their archived audit days in R2 is recorded
//    (./erasure-jobs.ts), in the same batch: it exists exactly when the erasure happened.
//
// Steps 3 to 5 (personScrubStatements) may be repeated alone: the route runs them again
// once the TenantObject has scrubbed what it kept of the person, for what it wrote to
// D1 in between (src/router/routes/user-privacy.ts).
import { revokeUserApiKeys } from "../db/api-keys";
import type { TenantScope } from "../db/tenant-scope";
import type { UserRow } from "../db/users";
import { TENANT_TABLES, type TenantTable } from "../placement/move/tenant-tables";
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
 * `column` with every occurrence of the lower-case text bound at `needle` replaced by
 * "[erased]", whatever the case of its ASCII letters. SQLite's replace() matches case
 * exactly, so this walks the value from one match (instr over lower()) to the next;
 * lower() folds ASCII alone, so positions in the lowered text are positions in the value.
 */
function withoutText(table: string, column: string, needle: string): string {
  const rest = "rest";
  const at = `instr(lower(${rest}), ${needle})`;
  return `(WITH RECURSIVE cut(done, ${rest}) AS (
      SELECT '', ${quoted(table)}.${quoted(column)}
      UNION ALL
      SELECT done || substr(${rest}, 1, ${at} - 1) || '${ERASED_TEXT}', substr(${rest}, ${at} + length(${needle}))
      FROM cut WHERE ${at} > 0
    ) SELECT done || ${rest} FROM cut WHERE ${at} = 0)`;
}

/** Bound parameters, numbered in the order they are added (D1 takes exactly those a statement names). */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `?${this.values.length}`;
  }
}

/** The statement scrubbing `table`'s text columns of the person; null when it has none. */
function scrubTextStatement(
  scope: TenantScope,
  table: TenantTable,
  found: { text: string[]; json: string[] },
  user: UserRow,
  pseudonym: string,
): D1PreparedStatement | null {
  const params = new Params();
  // ?1: `where` selects the tenant's rows by it.
  params.add(scope.tenantId);
  const email = params.add(user.email.toLowerCase());
  const name = user.full_name && found.json.length > 0 ? params.add(JSON.stringify(user.full_name)) : null;
  // The trail's own text names them by id too (a hold's author, a note): the pseudonym there.
  const ids = table.name === "audit_logs" ? { id: params.add(user.user_id), pseudonym: params.add(pseudonym) } : null;
  const sets: string[] = [];
  const tests: string[] = [];
  for (const column of [...found.text, ...found.json]) {
    let value = withoutText(table.name, column, email);
    tests.push(`instr(lower(${quoted(column)}), ${email}) > 0`);
    if (name && found.json.includes(column)) {
      value = `replace(${value}, ${name}, '"${ERASED_TEXT}"')`;
      tests.push(`instr(${quoted(column)}, ${name}) > 0`);
    }
    if (ids) {
      value = `replace(${value}, ${ids.id}, ${ids.pseudonym})`;
      tests.push(`instr(${quoted(column)}, ${ids.id}) > 0`);
    }
    sets.push(`${quoted(column)} = ${value}`);
  }
  if (sets.length === 0) return null;
  return scope.db
    .prepare(`UPDATE ${quoted(table.name)} SET ${sets.join(", ")} WHERE (${table.where}) AND (${tests.join(" OR ")})`)
    .bind(...params.values);
}

/**
 * Steps 3 to 5: the person's e-mail, name and id out of every tenant table but their
 * user row, their pseudonym in their place. Repeatable: a second run changes nothing
 * the first left, and catches what was written since.
 */
export async function personScrubStatements(
  scope: TenantScope,
  user: UserRow,
  pseudonym: string,
): Promise<D1PreparedStatement[]> {
  const { db, tenantId } = scope;
  const statements: D1PreparedStatement[] = [];
  const columns = await textColumns(db);
  for (const table of TENANT_TABLES) {
    if (table.name === "users") continue;
    const found = columns.get(table.name);
    if (!found) continue;
    const statement = scrubTextStatement(scope, table, found, user, pseudonym);
    if (statement) statements.push(statement);
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

/**
 * The statements erasing `user`, in order; `now` is the erasure's time and `job` the
 * archive job's row (./erasure-jobs.ts, its secrets sealed by the caller). The batch's
 * own audit row is the caller's (src/router/routes/user-privacy.ts).
 */
export async function personErasureStatements(
  scope: TenantScope,
  user: UserRow,
  pseudonym: string,
  now: string,
  job: D1PreparedStatement,
): Promise<D1PreparedStatement[]> {
  const { db, tenantId } = scope;
  return [
    db
      .prepare(
        `UPDATE users SET status = 'deleted', email = ?3, password_hash = '!', full_name = NULL, oauth_provider = NULL,
           oauth_sub = NULL, mfa_enabled = 0, mfa_secret = NULL, last_login_at = NULL, updated_at = ?4
         WHERE tenant_id = ?1 AND user_id = ?2`,
      )
      .bind(tenantId, user.user_id, `${pseudonym}@erased.invalid`, now),
    revokeUserApiKeys(scope, user.user_id),
    ...(await personScrubStatements(scope, user, pseudonym)),
    job,
  ];
}
