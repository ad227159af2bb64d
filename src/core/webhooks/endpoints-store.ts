// A tenant's webhook endpoints in its shard (webhook_endpoints, migration 0026), reached
// through its TenantScope only. The signing secret is stored encrypted under the
// tenant's key (ARCHITECTURE.md, Secrets at rest) and decrypted only to sign.

import type { TenantCipher } from "../crypto/tenant-cipher";
import { PRECONDITION_FAILED } from "../db/preconditions";
import type { TenantScope } from "../db/tenant-scope";
import { isoOrNull } from "../db/time";
import { subscribes } from "./events";

/** Endpoints one tenant may have. */
export const MAX_ENDPOINTS = 16;
/** How long a rotated-out secret still signs (docs/webhooks.md, "Rotating the secret"). */
export const PREVIOUS_SECRET_MS = 24 * 3_600_000;

export type DisabledReason = "manual" | "gone" | "failing";

export interface EndpointRow {
  endpoint_id: string;
  tenant_id: string;
  url: string;
  description: string | null;
  events: string;
  enabled: number;
  disabled_reason: DisabledReason | null;
  disabled_at: string | null;
  failing_since: string | null;
  secret_encrypted: string;
  previous_secret_encrypted: string | null;
  previous_secret_expires_at: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

const SECRET = "secret_encrypted";
const PREVIOUS = "previous_secret_encrypted";

export function eventsOf(row: Pick<EndpointRow, "events">): string[] {
  return JSON.parse(row.events) as string[];
}

/** The endpoint as the API shows it: never its secret. */
export function toEndpoint(row: EndpointRow) {
  return {
    id: row.endpoint_id,
    url: row.url,
    description: row.description,
    events: eventsOf(row),
    enabled: row.enabled === 1,
    disabled_reason: row.disabled_reason,
    disabled_at: isoOrNull(row.disabled_at),
    failing_since: isoOrNull(row.failing_since),
    previous_secret_expires_at: isoOrNull(row.previous_secret_expires_at),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
export type EndpointView = ReturnType<typeof toEndpoint>;

export function encryptSecret(cipher: TenantCipher, endpointId: string, secret: string): Promise<string> {
  return cipher.encryptText("webhook_endpoints", SECRET, endpointId, secret);
}

/**
 * The secrets that sign a delivery at `nowMs`: the current one, and the rotated-out one
 * while its 24 hours last.
 */
export async function signingSecrets(cipher: TenantCipher, row: EndpointRow, nowMs: number): Promise<string[]> {
  const secrets = [await cipher.decryptText("webhook_endpoints", SECRET, row.endpoint_id, row.secret_encrypted)];
  const until = row.previous_secret_expires_at ? Date.parse(row.previous_secret_expires_at) : 0;
  if (row.previous_secret_encrypted && until > nowMs) {
    secrets.push(
      await cipher.decryptText("webhook_endpoints", PREVIOUS, row.endpoint_id, row.previous_secret_encrypted),
    );
  }
  return secrets;
}

export interface NewEndpoint {
  endpointId: string;
  url: string;
  description: string | null;
  events: readonly string[];
  enabled: boolean;
  secretEncrypted: string;
  createdBy: string | null;
  now: string;
}

export function insertEndpoint(scope: TenantScope, e: NewEndpoint): D1PreparedStatement {
  return scope.db
    .prepare(
      `INSERT INTO webhook_endpoints (endpoint_id, tenant_id, url, description, events, enabled, disabled_reason,
         disabled_at, secret_encrypted, created_by, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      e.endpointId,
      scope.tenantId,
      e.url,
      e.description,
      JSON.stringify(e.events),
      e.enabled ? 1 : 0,
      e.enabled ? null : "manual",
      e.enabled ? null : e.now,
      e.secretEncrypted,
      e.createdBy,
      e.now,
      e.now,
    );
}

/** Aborts the batch (PRECONDITION_FAILED) when the tenant now has more than MAX_ENDPOINTS endpoints. */
export function endpointLimit(scope: TenantScope): D1PreparedStatement {
  return scope.db
    .prepare(
      "INSERT INTO batch_precondition (holds) SELECT (SELECT COUNT(*) FROM webhook_endpoints WHERE tenant_id = ?) <= ?",
    )
    .bind(scope.tenantId, MAX_ENDPOINTS);
}
export { PRECONDITION_FAILED };

export function getEndpoint(scope: TenantScope, endpointId: string): Promise<EndpointRow | null> {
  return scope.db
    .prepare("SELECT * FROM webhook_endpoints WHERE tenant_id = ? AND endpoint_id = ?")
    .bind(scope.tenantId, endpointId)
    .first<EndpointRow>();
}

export async function listEndpoints(
  scope: TenantScope,
  options: { afterId?: string; limit: number },
): Promise<{ rows: EndpointRow[]; hasMore: boolean }> {
  const { results } = await scope.db
    .prepare(`SELECT * FROM webhook_endpoints WHERE tenant_id = ? AND endpoint_id > ? ORDER BY endpoint_id LIMIT ?`)
    .bind(scope.tenantId, options.afterId ?? "", options.limit + 1)
    .all<EndpointRow>();
  return { rows: results.slice(0, options.limit), hasMore: results.length > options.limit };
}

/** The endpoints of `ids` (one statement: the ids travel as one bound JSON array). */
export function endpointsIn(scope: TenantScope, ids: readonly string[]): D1PreparedStatement {
  return scope.db
    .prepare("SELECT * FROM webhook_endpoints WHERE tenant_id = ? AND endpoint_id IN (SELECT value FROM json_each(?))")
    .bind(scope.tenantId, JSON.stringify(ids));
}

/** The system disables an endpoint (a 410, or three days failing); a no-op when it is disabled already. */
export function disableEndpoint(
  scope: TenantScope,
  endpointId: string,
  reason: Exclude<DisabledReason, "manual">,
  now: string,
): D1PreparedStatement {
  return scope.db
    .prepare(
      `UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ?, disabled_at = ?, updated_at = ?
       WHERE tenant_id = ? AND endpoint_id = ? AND enabled = 1`,
    )
    .bind(reason, now, now, scope.tenantId, endpointId);
}

/** The endpoint's failing streak: when it began, or null after a delivery went through. */
export function setFailingSince(
  scope: TenantScope,
  endpointId: string,
  failingSince: string | null,
): D1PreparedStatement {
  return scope.db
    .prepare("UPDATE webhook_endpoints SET failing_since = ? WHERE tenant_id = ? AND endpoint_id = ?")
    .bind(failingSince, scope.tenantId, endpointId);
}

/** The enabled endpoints and their subscriptions: what the TenantObject sends events to. */
export async function subscriptions(scope: TenantScope): Promise<{ endpointId: string; events: string[] }[]> {
  const { results } = await scope.db
    .prepare(
      "SELECT endpoint_id, events FROM webhook_endpoints WHERE tenant_id = ? AND enabled = 1 ORDER BY endpoint_id",
    )
    .bind(scope.tenantId)
    .all<Pick<EndpointRow, "endpoint_id" | "events">>();
  return results.map((row) => ({ endpointId: row.endpoint_id, events: eventsOf(row) }));
}

/** The endpoints among `subscribed` that receive `type`. */
export function targetsOf(subscribed: readonly { endpointId: string; events: string[] }[], type: string): string[] {
  return subscribed.filter((s) => subscribes(s.events, type)).map((s) => s.endpointId);
}

export interface EndpointPatch {
  url?: string;
  description?: string | null;
  events?: readonly string[];
  enabled?: boolean;
}

/**
 * A change by the tenant. Enabling an endpoint clears why it was disabled and its
 * failing streak (it starts afresh); disabling it is "manual".
 */
export function updateEndpoint(
  scope: TenantScope,
  endpointId: string,
  patch: EndpointPatch,
  now: string,
): D1PreparedStatement {
  const sets: string[] = ["updated_at = ?"];
  const values: unknown[] = [now];
  if (patch.url !== undefined) {
    sets.push("url = ?");
    values.push(patch.url);
  }
  if (patch.description !== undefined) {
    sets.push("description = ?");
    values.push(patch.description);
  }
  if (patch.events !== undefined) {
    sets.push("events = ?");
    values.push(JSON.stringify(patch.events));
  }
  if (patch.enabled === true) {
    sets.push("enabled = 1", "disabled_reason = NULL", "disabled_at = NULL", "failing_since = NULL");
  } else if (patch.enabled === false) {
    // An endpoint the system disabled keeps its reason when the tenant says "disabled" again.
    sets.push("disabled_reason = CASE WHEN enabled = 1 THEN 'manual' ELSE disabled_reason END");
    sets.push("disabled_at = CASE WHEN enabled = 1 THEN ? ELSE disabled_at END", "enabled = 0");
    values.push(now);
  }
  return scope.db
    .prepare(`UPDATE webhook_endpoints SET ${sets.join(", ")} WHERE tenant_id = ? AND endpoint_id = ?`)
    .bind(...values, scope.tenantId, endpointId);
}

/** A new secret: the current one becomes the previous one, honoured until `previousUntil`. */
export async function rotateSecretStatement(
  scope: TenantScope,
  cipher: TenantCipher,
  row: EndpointRow,
  newSecret: string,
  previousUntil: string,
  now: string,
): Promise<D1PreparedStatement> {
  const current = await cipher.decryptText("webhook_endpoints", SECRET, row.endpoint_id, row.secret_encrypted);
  const previous = await cipher.encryptText("webhook_endpoints", PREVIOUS, row.endpoint_id, current);
  const next = await encryptSecret(cipher, row.endpoint_id, newSecret);
  return scope.db
    .prepare(
      `UPDATE webhook_endpoints SET secret_encrypted = ?, previous_secret_encrypted = ?, previous_secret_expires_at = ?,
         updated_at = ? WHERE tenant_id = ? AND endpoint_id = ? AND secret_encrypted = ?`,
    )
    .bind(next, previous, previousUntil, now, scope.tenantId, row.endpoint_id, row.secret_encrypted);
}

export function deleteEndpoint(scope: TenantScope, endpointId: string): D1PreparedStatement {
  return scope.db
    .prepare("DELETE FROM webhook_endpoints WHERE tenant_id = ? AND endpoint_id = ?")
    .bind(scope.tenantId, endpointId);
}
