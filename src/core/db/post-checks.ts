// What a post's row says about the object's two watches on it (tenant migration 0027):
// the reconciliation of an outcome that was not learned (objects/publishing/reconcile.ts)
// and the pre-flight check of a scheduled post (objects/publishing/preflight.ts). Both are
// JSON columns of publish_requests, written by the TenantObject and shown by the API
// (GET /v1/posts/{id}: `reconciliation`, `at_risk`; docs/publishing.md).
import { parseJson } from "./json-column";
import type { TenantScope } from "./tenant-scope";

/** How a reconciliation stands: still asking, settled, or given up after its last try. */
export type ReconciliationState = "checking" | "resolved" | "gave_up";
/**
 * How it was settled: the post was found on the platform, or the platform named it in
 * its refusal of a second send as a duplicate, or it was not there and was sent once.
 */
export type ReconciliationResolution = "found" | "duplicate_refusal" | "sent_again";

export interface ReconciliationView {
  state: ReconciliationState;
  resolution: ReconciliationResolution | null;
  /** Checks made so far, and the most it makes. */
  tries: number;
  max_tries: number;
  last_checked_at: string | null;
  /** When the next check runs (null once settled or given up). */
  next_check_at: string | null;
  /** What the latest check found, or why it gave up. */
  note: string;
}

/** Why a scheduled post would fail if it went out as things stand (preflight.ts). */
export const AT_RISK_CODES = [
  "token_expired",
  "reconnect_needed",
  "account_inactive",
  "missing_scopes",
  "media_unreachable",
  "media_refused",
  "window_full",
  "api_version_sunset",
] as const;
export type AtRiskCode = (typeof AT_RISK_CODES)[number];

export interface AtRiskView {
  code: AtRiskCode;
  reason: string;
  /** When a check first found it so (kept while the same risk stands). */
  detected_at: string;
  /** The check that last found it: 15 minutes ahead, or at send time. */
  checked_at: string;
}

export function reconciliationOf(json: string | null | undefined): ReconciliationView | null {
  return parseJson<ReconciliationView | null>(json ?? null, null);
}

export function atRiskOf(json: string | null | undefined): AtRiskView | null {
  return parseJson<AtRiskView | null>(json ?? null, null);
}

/**
 * Sets (or with null clears) a scheduled post's risk. A post no longer scheduled (gone
 * out, cancelled, held) is left alone: its outcome says what became of it.
 */
export function setAtRisk(
  scope: TenantScope,
  requestId: string,
  risk: AtRiskView | null,
  now: string,
): D1PreparedStatement {
  return scope.db
    .prepare(
      `UPDATE publish_requests SET at_risk = ?, updated_at = ?
       WHERE tenant_id = ? AND request_id = ? AND status = 'scheduled'`,
    )
    .bind(risk === null ? null : JSON.stringify(risk), now, scope.tenantId, requestId);
}
