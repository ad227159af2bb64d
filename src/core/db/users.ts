// Users of a tenant. Every query binds the scope's tenant id.
import type { Role } from "../auth/permissions";
import type { TenantScope } from "./tenant-scope";
import { iso, isoOrNull } from "./time";

export const USER_STATUSES = ["active", "suspended", "deleted"] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export interface UserRow {
  user_id: string;
  tenant_id: string;
  email: string;
  password_hash: string;
  full_name: string | null;
  role: Role;
  oauth_provider: string | null;
  oauth_sub: string | null;
  mfa_enabled: number;
  mfa_secret: string | null;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
  status: UserStatus;
}

export interface User {
  id: string;
  email: string;
  full_name: string | null;
  role: Role;
  status: UserStatus;
  mfa_enabled: boolean;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
}

/** The API's view of a user: never the password hash or MFA secret. */
export function toUser(row: UserRow): User {
  return {
    id: row.user_id,
    email: row.email,
    full_name: row.full_name,
    role: row.role,
    status: row.status,
    mfa_enabled: row.mfa_enabled === 1,
    last_login_at: isoOrNull(row.last_login_at),
    created_at: iso(row.created_at),
    updated_at: isoOrNull(row.updated_at) ?? iso(row.created_at),
  };
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface NewUser {
  userId: string;
  email: string;
  passwordHash: string;
  fullName: string | null;
  role: Role;
  now: string;
}

export function insertUser(scope: TenantScope, user: NewUser): D1PreparedStatement {
  return scope.db
    .prepare(
      `INSERT INTO users (user_id, tenant_id, email, password_hash, full_name, role, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      user.userId,
      scope.tenantId,
      normaliseEmail(user.email),
      user.passwordHash,
      user.fullName,
      user.role,
      user.now,
      user.now,
    );
}

export function getUser(scope: TenantScope, userId: string): Promise<UserRow | null> {
  return scope.db
    .prepare("SELECT * FROM users WHERE tenant_id = ? AND user_id = ? AND status <> 'deleted'")
    .bind(scope.tenantId, userId)
    .first<UserRow>();
}

/** Which of `userIds` are users of the tenant whose status is active (not suspended, not deleted). */
export async function activeUserIds(scope: TenantScope, userIds: readonly string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const { results } = await scope.db
    .prepare(
      `SELECT user_id FROM users
       WHERE tenant_id = ?1 AND status = 'active' AND user_id IN (SELECT value FROM json_each(?2))`,
    )
    .bind(scope.tenantId, JSON.stringify(userIds))
    .all<{ user_id: string }>();
  return new Set(results.map((r) => r.user_id));
}

export function findUserByEmail(scope: TenantScope, email: string): Promise<UserRow | null> {
  return scope.db
    .prepare("SELECT * FROM users WHERE tenant_id = ? AND email = ?")
    .bind(scope.tenantId, normaliseEmail(email))
    .first<UserRow>();
}

export interface UserPage {
  rows: UserRow[];
  hasMore: boolean;
}

/** Users in id order (ULIDs: creation order), after `afterId`. */
export async function listUsers(
  scope: TenantScope,
  options: { afterId?: string; limit: number; status?: UserStatus; role?: Role },
): Promise<UserPage> {
  const { results } = await scope.db
    .prepare(
      `SELECT * FROM users
       WHERE tenant_id = ?1 AND status <> 'deleted'
         AND (?2 IS NULL OR user_id > ?2)
         AND (?3 IS NULL OR status = ?3)
         AND (?4 IS NULL OR role = ?4)
       ORDER BY user_id
       LIMIT ?5`,
    )
    .bind(scope.tenantId, options.afterId ?? null, options.status ?? null, options.role ?? null, options.limit + 1)
    .all<UserRow>();
  return { rows: results.slice(0, options.limit), hasMore: results.length > options.limit };
}

export interface UserPatch {
  full_name?: string | null;
  role?: Role;
  status?: UserStatus;
}

export function updateUser(scope: TenantScope, userId: string, patch: UserPatch, now: string): D1PreparedStatement {
  const columns = (["full_name", "role", "status"] as const).filter((column) => patch[column] !== undefined);
  const assignments = [...columns.map((column) => `${column} = ?`), "updated_at = ?"];
  return scope.db
    .prepare(`UPDATE users SET ${assignments.join(", ")} WHERE tenant_id = ? AND user_id = ?`)
    .bind(...columns.map((column) => patch[column] ?? null), now, scope.tenantId, userId);
}

/** The message of the trigger that keeps an active owner in every tenant (migration 0007). */
export const LAST_OWNER_ERROR = "tenant must keep an active owner";

export function recordLogin(scope: TenantScope, userId: string, now: string): D1PreparedStatement {
  return scope.db
    .prepare("UPDATE users SET last_login_at = ? WHERE tenant_id = ? AND user_id = ?")
    .bind(now, scope.tenantId, userId);
}

export function setMfa(
  scope: TenantScope,
  userId: string,
  state: { enabled: boolean; secret: string | null },
  now: string,
): D1PreparedStatement {
  return scope.db
    .prepare("UPDATE users SET mfa_enabled = ?, mfa_secret = ?, updated_at = ? WHERE tenant_id = ? AND user_id = ?")
    .bind(state.enabled ? 1 : 0, state.secret, now, scope.tenantId, userId);
}

/**
 * Soft-deletes a user and erases what identifies them: the e-mail becomes a
 * placeholder (so it can be used again), the password can never match, MFA is off.
 */
export function deleteUser(scope: TenantScope, userId: string, now: string): D1PreparedStatement {
  return scope.db
    .prepare(
      `UPDATE users SET status = 'deleted', email = user_id || '@deleted.invalid', password_hash = '!',
                        full_name = NULL, mfa_enabled = 0, mfa_secret = NULL, updated_at = ?
       WHERE tenant_id = ? AND user_id = ? AND status <> 'deleted'`,
    )
    .bind(now, scope.tenantId, userId);
}
