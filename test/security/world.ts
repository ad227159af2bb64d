// One tenant with a user of every role, each with a session and an API key holding
// every scope that role may grant, and a second tenant whose resources must stay
// invisible. Shared by the security tests.
import { issueSessionToken } from "../../src/core/auth/session-token";
import { tenantDb } from "../support/databases";
import { call } from "../support/http";
import { addUser, createKey, createTenant, login, type TestTenant } from "../support/tenants";
import { TEST_SECRETS } from "../support/test-secrets";
import { type ForeignContent, foreignContent } from "./foreign-content";

export const ROLES = ["owner", "admin", "member", "viewer"] as const;
export type Role = (typeof ROLES)[number];

/** What each role may grant, written out here rather than derived from the code under test. */
export const ROLE_SCOPES: Record<Role, string[]> = {
  owner: [
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
  ],
  admin: [
    "read:tenant",
    "manage:tenant",
    "read:users",
    "manage:users",
    "manage:api_keys",
    "read:audit",
    "read:accounts",
    "manage:accounts",
    "read:posts",
    "write:posts",
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
  ],
  member: [
    "read:tenant",
    "read:users",
    "manage:api_keys",
    "read:accounts",
    "read:posts",
    "write:posts",
    "publish",
    "read:analytics",
    "write:analytics",
    "read:content",
    "write:content",
    "read:skills",
    "write:skills",
    "read:brand",
  ],
  viewer: [
    "read:tenant",
    "read:users",
    "manage:api_keys",
    "read:accounts",
    "read:posts",
    "read:analytics",
    "read:content",
    "read:skills",
    "read:brand",
  ],
};

export interface Actor {
  role: Role;
  userId: string;
  session: string;
  key: string;
}

export interface World {
  tenant: TestTenant;
  actors: Record<Role, Actor>;
  other: TestTenant;
  otherUserId: string;
  otherKeyId: string;
  /** Content and skills of the other tenant. */
  otherContent: ForeignContent;
}

export async function buildWorld(): Promise<World> {
  const tenant = await createTenant();
  const other = await createTenant({ name: "Other Tenant Ltd" });
  const otherMember = await addUser(other, "member");
  const actors = {} as Record<Role, Actor>;
  for (const role of ROLES) {
    const userId = role === "owner" ? tenant.ownerId : (await addUser(tenant, role)).userId;
    const email =
      role === "owner"
        ? tenant.ownerEmail
        : ((
            await (
              await tenantDb(tenant.tenantId)
            )
              .prepare("SELECT email FROM users WHERE user_id = ?")
              .bind(userId)
              .first<{ email: string }>()
          )?.email as string);
    const session = await login(tenant.tenantId, email);
    const key =
      role === "viewer"
        ? await viewerKey(tenant, userId)
        : (await createKey(session, { scopes: ROLE_SCOPES[role] })).key;
    actors[role] = { role, userId, session, key };
  }
  const otherKey = await createKey(other.ownerKey, { scopes: ["read:users"] });
  return {
    tenant,
    actors,
    other,
    otherUserId: otherMember.userId,
    otherKeyId: otherKey.id,
    otherContent: await foreignContent(other),
  };
}

/**
 * A viewer's key: keys are made by their own user, and viewers may not write, so an
 * owner's key is re-assigned to the viewer in D1 with the viewer's scopes.
 */
async function viewerKey(tenant: TestTenant, viewerId: string): Promise<string> {
  const made = await createKey(tenant.ownerKey, { scopes: ROLE_SCOPES.viewer });
  await (await tenantDb(tenant.tenantId))
    .prepare("UPDATE api_keys SET user_id = ? WHERE key_id = ?")
    .bind(viewerId, made.id)
    .run();
  return made.key;
}

/** A session token of `userId` that expired an hour ago, properly signed. */
export async function expiredSession(tenantId: string, userId: string): Promise<string> {
  const issued = await issueSessionToken(
    TEST_SECRETS.SESSION_SECRET,
    { userId, tenantId, sessionId: crypto.randomUUID() },
    Math.floor(Date.now() / 1000) - 13 * 3600,
  );
  return issued.token;
}

/** A key that expired a minute ago (set in D1: the API refuses a past expiry). */
export async function expiredKey(tenant: TestTenant): Promise<string> {
  const made = await createKey(tenant.ownerKey, { scopes: ["read:users"] });
  await (await tenantDb(tenant.tenantId))
    .prepare("UPDATE api_keys SET expires_at = ? WHERE key_id = ?")
    .bind(new Date(Date.now() - 60_000).toISOString(), made.id)
    .run();
  return made.key;
}

export async function revokedKey(tenant: TestTenant): Promise<string> {
  const made = await createKey(tenant.ownerKey, { scopes: ["read:users"] });
  const res = await call(`/v1/api-keys/${made.id}`, { method: "DELETE", token: tenant.ownerKey });
  if (res.status !== 200) throw new Error(`revoke failed: ${res.status}`);
  return made.key;
}
