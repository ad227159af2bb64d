// Whether the member who asked for an OAuth connection may still have it: checked
// when a forwarded start URL shows its page, when that page is confirmed, and at the
// callback before anything is exchanged or stored (docs/publishing.md, "OAuth binding"). A flow
// outlives the request that started it by up to ten minutes; in that time the member
// may have been removed, suspended or demoted, or their key revoked or expired, and
// what they asked for must then not happen. The rule is the route's own: the
// permission table's accounts.manage for the member's role now, and, when they asked
// with a key, that key still active and carrying manage:accounts.
import type { OAuthStarter } from "../../../objects/tenant-object/contract";
import { type Credential, denial } from "../../core/auth/permissions";
import { findStarter } from "../../core/db/oauth-starter";
import type { TenantScope } from "../../core/db/tenant-scope";
import { ProblemError } from "./problem";

export type StarterStanding =
  | { ok: true; email: string }
  | { ok: false; reason: "removed" | "suspended" | "role" | "key" | "scope" };

export async function starterStanding(
  scope: TenantScope,
  starter: OAuthStarter,
  nowMs: number,
): Promise<StarterStanding> {
  const row = await findStarter(scope, starter.userId, starter.keyId);
  if (!row || row.user_status === "deleted") return { ok: false, reason: "removed" };
  if (row.user_status !== "active") return { ok: false, reason: "suspended" };
  let credential: Credential = { kind: "session" };
  if (starter.keyId !== null) {
    const expired = row.key_expires_at !== null && Date.parse(row.key_expires_at) <= nowMs;
    if (row.key_status !== "active" || expired) return { ok: false, reason: "key" };
    credential = { kind: "api_key", scopes: JSON.parse(row.key_scopes ?? "[]") as string[] };
  }
  const why = denial("accounts.manage", row.role, credential);
  if (why) return { ok: false, reason: why === "role" ? "role" : "scope" };
  return { ok: true, email: row.email };
}

const WHY: Record<Exclude<StarterStanding, { ok: true }>["reason"], string> = {
  removed: "was removed from the tenant",
  suspended: "is suspended",
  role: "no longer has a role that may connect accounts",
  key: "asked with an API key that is no longer valid (revoked or expired)",
  scope: "asked with an API key that may not connect accounts",
};

/** The refusal when the member who asked may no longer connect accounts: nothing is connected. */
export function starterRefused(standing: Exclude<StarterStanding, { ok: true }>): ProblemError {
  return new ProblemError(
    "forbidden",
    `The member who asked for this connection ${WHY[standing.reason]}; nothing was connected. Ask a member who may connect accounts to start again.`,
    { reason: `starter_${standing.reason}` },
  );
}
