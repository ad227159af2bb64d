// Making a new API key: the key itself (shown once) and the statement that stores
// its prefix and digest. Shared by tenant creation and POST /v1/api-keys.
import { type ApiKeyRow, insertApiKey } from "../db/api-keys";
import { newId } from "../db/ids";
import type { TenantScope } from "../db/tenant-scope";
import { generateApiKey } from "./api-key-format";
import type { KeyKind } from "./approvals";

export interface ApiKeyRequest {
  userId: string;
  scopes: readonly string[];
  rateLimitPerHour: number;
  expiresAt: string | null;
  /** The key the new key is made with (its bounds were checked): revoking it revokes this one. */
  parentKeyId: string | null;
  /** An agent's key, and whether its posts wait (./approvals.ts); a standard key whose posts do not, when absent. */
  kind?: KeyKind;
  requiresApproval?: boolean;
}

export interface IssuedApiKey {
  key: string;
  row: ApiKeyRow;
  statement: D1PreparedStatement;
}

export async function issueApiKey(scope: TenantScope, request: ApiKeyRequest, now: string): Promise<IssuedApiKey> {
  const generated = await generateApiKey();
  const keyId = newId("apiKey");
  const row: ApiKeyRow = {
    key_id: keyId,
    tenant_id: scope.tenantId,
    user_id: request.userId,
    key_prefix: generated.keyPrefix,
    key_hash: generated.keyHash,
    scopes: JSON.stringify(request.scopes),
    rate_limit_per_hour: request.rateLimitPerHour,
    last_used_at: null,
    use_count: 0,
    created_at: now,
    expires_at: request.expiresAt,
    status: "active",
    parent_key_id: request.parentKeyId,
    kind: request.kind ?? "standard",
    requires_approval: request.requiresApproval ? 1 : 0,
  };
  const statement = insertApiKey(scope, {
    keyId,
    userId: request.userId,
    keyPrefix: generated.keyPrefix,
    keyHash: generated.keyHash,
    scopes: request.scopes,
    rateLimitPerHour: request.rateLimitPerHour,
    expiresAt: request.expiresAt,
    parentKeyId: request.parentKeyId,
    kind: request.kind ?? "standard",
    requiresApproval: request.requiresApproval ?? false,
    now,
  });
  return { key: generated.key, row, statement };
}

export const DEFAULT_RATE_LIMIT_PER_HOUR = 1000;
