// Roles, API-key scopes and the one permission table every route consults.
//
// A request may do something when its user's role is listed for the permission and,
// when it comes with an API key, the key carries the permission's scope. Session
// tokens act with the role's full powers.

export const ROLES = ["owner", "admin", "member", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const SCOPES = [
  "read:tenant",
  "manage:tenant",
  "manage:billing",
  "read:users",
  "manage:users",
  "manage:api_keys",
  "read:audit",
  "read:accounts",
  "manage:accounts",
  "read:posts",
  "write:posts",
  "draft:posts",
  "publish",
  "read:analytics",
  "write:analytics",
  "read:content",
  "write:content",
  "read:skills",
  "write:skills",
  "read:brand",
  "write:brand",
  "manage:webhooks",
  "approve:posts",
] as const;
export type Scope = (typeof SCOPES)[number];

const EVERYONE: readonly Role[] = ROLES;
const WRITERS: readonly Role[] = ["owner", "admin", "member"];
const ADMINS: readonly Role[] = ["owner", "admin"];
const OWNER: readonly Role[] = ["owner"];

interface PermissionRule {
  roles: readonly Role[];
  scope: Scope;
  /** A second scope that allows it too: a key with either may (posts.create). */
  alsoScope?: Scope;
  /** Only a signed-in user (session token) may do this, never an API key. */
  sessionOnly?: boolean;
}

export const PERMISSIONS = {
  "tenant.read": { roles: EVERYONE, scope: "read:tenant" },
  "tenant.update": { roles: ADMINS, scope: "manage:tenant" },
  "tenant.rotate_key": { roles: OWNER, scope: "manage:tenant" },
  "tenant.billing": { roles: OWNER, scope: "manage:billing" },
  // The plan's quotas and their use (GET /v1/tenant/usage): those who manage the tenant.
  "tenant.usage": { roles: ADMINS, scope: "read:tenant" },
  "tenant.delete": { roles: OWNER, scope: "manage:billing", sessionOnly: true },
  // A tenant's export holds every row it owns (docs/privacy.md): its owners only.
  "tenant.export": { roles: OWNER, scope: "manage:tenant" },
  "users.read": { roles: EVERYONE, scope: "read:users" },
  "users.manage": { roles: ADMINS, scope: "manage:users" },
  // A person's own data, or an owner's or admin's view of it: the route lets a member
  // or viewer reach their own only (src/router/routes/user-privacy.ts).
  "users.export": { roles: EVERYONE, scope: "read:users" },
  // A person's erasure: by themselves, or by an owner or admin (only an owner for an
  // owner), from a session: it cannot be undone.
  "users.erase": { roles: EVERYONE, scope: "manage:users", sessionOnly: true },
  "api_keys.read": { roles: EVERYONE, scope: "manage:api_keys" },
  "api_keys.manage": { roles: WRITERS, scope: "manage:api_keys" },
  "audit.read": { roles: ADMINS, scope: "read:audit" },
  // What members granted OAuth clients (docs/mcp.md, OAuth), as API keys are: everyone
  // lists and revokes their own grants, owners and admins every member's.
  "oauth_grants.read": { roles: EVERYONE, scope: "manage:api_keys" },
  "oauth_grants.revoke": { roles: EVERYONE, scope: "manage:api_keys" },
  // A user's own second factor: account security, allowed to every role, and only
  // from a session (a key must not change how its user signs in).
  "mfa.manage": { roles: EVERYONE, scope: "manage:users", sessionOnly: true },
  "me.read": { roles: EVERYONE, scope: "read:users" },
  // Signing out and changing one's password: a person at a session, never a key (a key
  // has no session to end, and must not change how its user signs in).
  "session.end": { roles: EVERYONE, scope: "read:users", sessionOnly: true },
  "password.change": { roles: EVERYONE, scope: "manage:users", sessionOnly: true },
  // A reset link takes over an account: issued by a signed-in owner or admin (only an
  // owner for an owner: canAssignRole), never by a key.
  "users.reset_password": { roles: ADMINS, scope: "manage:users", sessionOnly: true },
  "accounts.read": { roles: EVERYONE, scope: "read:accounts" },
  "accounts.manage": { roles: ADMINS, scope: "manage:accounts" },
  "posts.read": { roles: EVERYONE, scope: "read:posts" },
  "posts.write": { roles: WRITERS, scope: "write:posts" },
  "posts.publish": { roles: WRITERS, scope: "publish" },
  // Creating a post (POST /v1/posts): a key with publish publishes or schedules it (unless the
  // tenant's approval rules hold it); a key with draft:posts alone only drafts: its posts always
  // wait for a person's approval (src/core/auth/approvals.ts, docs/mcp.md). An agent given
  // draft:posts and not publish cannot publish.
  "posts.create": { roles: WRITERS, scope: "publish", alsoScope: "draft:posts" },
  // A held post goes out again only when an owner or admin decides (docs/publishing.md, Held posts).
  "posts.release": { roles: ADMINS, scope: "publish" },
  // Approving or rejecting a post that waits (docs/approvals.md): owners and admins, and
  // a key of theirs only with approve:posts. Who may not decide on which post (an agent,
  // the post's own author) is src/core/auth/approvals.ts.
  "posts.approve": { roles: ADMINS, scope: "approve:posts" },
  "analytics.read": { roles: EVERYONE, scope: "read:analytics" },
  "analytics.write": { roles: WRITERS, scope: "write:analytics" },
  "content.read": { roles: EVERYONE, scope: "read:content" },
  "content.write": { roles: WRITERS, scope: "write:content" },
  "skills.read": { roles: EVERYONE, scope: "read:skills" },
  "skills.write": { roles: WRITERS, scope: "write:skills" },
  // The brand is the tenant's identity: everyone reads it, owners and admins change it.
  "brand.read": { roles: EVERYONE, scope: "read:brand" },
  "brand.write": { roles: ADMINS, scope: "write:brand" },
  // Outgoing webhooks (docs/webhooks.md): where the tenant's events go, their secrets and
  // their log. Owners and admins, as for the tenant's other integrations.
  "webhooks.manage": { roles: ADMINS, scope: "manage:webhooks" },
} as const satisfies Record<string, PermissionRule>;

export type Permission = keyof typeof PERMISSIONS;

export type Credential =
  | { kind: "session" }
  /** `agent`: a key of kind agent; `requiresApproval`: its posts wait (src/core/auth/approvals.ts). */
  | { kind: "api_key"; scopes: readonly string[]; agent?: boolean; requiresApproval?: boolean }
  /**
   * An OAuth client's grant, used through /mcp only (docs/mcp.md, OAuth): bounded by the
   * scopes its member consented to, as a key is by its scopes, and never session-only work.
   */
  | { kind: "oauth"; scopes: readonly string[]; grantId: string; clientId: string; clientName: string };

export type Denial = "role" | "scope" | "session_only";

function hasScope(scopes: readonly string[], rule: PermissionRule): boolean {
  return scopes.includes(rule.scope) || (rule.alsoScope !== undefined && scopes.includes(rule.alsoScope));
}

/** Why `role` with `credential` may not do `permission`, or null when it may. */
export function denial(permission: Permission, role: Role, credential: Credential): Denial | null {
  const rule: PermissionRule = PERMISSIONS[permission];
  if (!rule.roles.includes(role)) return "role";
  if (credential.kind === "api_key" || credential.kind === "oauth") {
    if (rule.sessionOnly) return "session_only";
    if (!hasScope(credential.scopes, rule)) return "scope";
  }
  return null;
}

/** The scopes a key made by `role` may carry: those of the permissions the role has. */
export function grantableScopes(role: Role): Scope[] {
  const scopes = new Set<Scope>();
  for (const rule of Object.values(PERMISSIONS) as PermissionRule[]) {
    if (!rule.roles.includes(role) || rule.sessionOnly) continue;
    scopes.add(rule.scope);
    if (rule.alsoScope) scopes.add(rule.alsoScope);
  }
  return SCOPES.filter((scope) => scopes.has(scope));
}

/** Only an owner may create, promote to or change an owner. */
export function canAssignRole(actor: Role, target: Role): boolean {
  if (target === "owner") return actor === "owner";
  return actor === "owner" || actor === "admin";
}
