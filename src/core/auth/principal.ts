// Who is calling. Set once per request by the authenticate middleware, read from
// the Hono context (never from module scope).
import type { SubscriptionGate } from "../billing/subscription";
import type { Credential, Role } from "./permissions";

export interface TenantKeyInfo {
  kmsKeyId: string;
  /** The version new ciphertexts are written with. */
  encryptionVersion: number;
}

export interface UserPrincipal {
  kind: "user";
  tenantId: string;
  userId: string;
  role: Role;
  credential: Credential;
  /** The API key used, when the request came with one. */
  keyId: string | null;
  /** The session used (its token's jti), when the request came with a session token. */
  sessionId: string | null;
  tenantKey: TenantKeyInfo;
  /** The D1 shard holding the tenant's rows, as the tenant's object knows it (src/core/placement). */
  shard: string;
  /**
   * What the tenant's subscription stops now, on the tenant's object's clock (docs/billing.md,
   * Stripe and subscription states): the guard refuses a stopped request with 402.
   */
  subscription: SubscriptionGate;
}

export interface OperatorPrincipal {
  kind: "operator";
}

export type Principal = UserPrincipal | OperatorPrincipal;
