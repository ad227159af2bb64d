// What a new API key may be. A key made by a signed-in user is bounded by the user's
// role: scopes the role grants, any hourly limit, any expiry. A key made with another
// key never exceeds that key: only scopes it has, at most its hourly limit, expiring
// no later than it does. An omitted limit or expiry is inherited from the parent.
//
// A request beyond the parent is refused (403 naming each field), not clamped: a
// silently smaller key would surface later as unexplained 429s or 401s, while a
// refusal says now what the creating key allows, and omitting the field gets exactly
// that.

import { DEFAULT_RATE_LIMIT_PER_HOUR } from "../../core/auth/issue-api-key";
import { grantableScopes, type Role } from "../../core/auth/permissions";
import type { FieldError } from "../http/problem";
import { ProblemError } from "../http/problem";

/** The creating key, when the request came with one. */
export interface ParentKey {
  key_id: string;
  scopes: readonly string[];
  rate_limit_per_hour: number;
  expires_at: string | null;
}

export interface KeyRequest {
  scopes: readonly string[];
  rateLimitPerHour?: number;
  /** ISO 8601 UTC. */
  expiresAt?: string;
}

export interface KeyBounds {
  scopes: string[];
  rateLimitPerHour: number;
  expiresAt: string | null;
  parentKeyId: string | null;
}

/** The new key's scopes, limit and expiry, or a 403 naming every field that exceeds what the caller may grant. */
export function boundNewKey(role: Role, parent: ParentKey | null, request: KeyRequest): KeyBounds {
  const errors: FieldError[] = [];
  const allowed = new Set<string>(grantableScopes(role));
  const excess = request.scopes.filter((s) => !allowed.has(s) || (parent !== null && !parent.scopes.includes(s)));
  if (excess.length > 0) {
    errors.push({ in: "body", field: "scopes", message: `You may not grant: ${excess.join(", ")}` });
  }

  const rateLimitPerHour = request.rateLimitPerHour ?? parent?.rate_limit_per_hour ?? DEFAULT_RATE_LIMIT_PER_HOUR;
  if (parent && rateLimitPerHour > parent.rate_limit_per_hour) {
    errors.push({
      in: "body",
      field: "rate_limit_per_hour",
      message: `The key making this one allows ${parent.rate_limit_per_hour} requests per hour; ask for at most that, or omit the field`,
    });
  }

  // Kept as the parent's exact text when inherited: the database compares them.
  const expiresAt = request.expiresAt ?? parent?.expires_at ?? null;
  if (parent?.expires_at && (expiresAt === null || Date.parse(expiresAt) > Date.parse(parent.expires_at))) {
    errors.push({
      in: "body",
      field: "expires_at",
      message: `The key making this one expires at ${parent.expires_at}; ask for that or earlier, or omit the field`,
    });
  }

  if (errors.length > 0) {
    const fields = errors.map((e) => e.field).join(", ");
    throw new ProblemError("forbidden", `A new key may not exceed what you may grant: ${fields}`, {
      errors,
      ...(excess.length > 0 ? { scopes: excess } : {}),
    });
  }
  return {
    scopes: [...new Set(request.scopes)],
    rateLimitPerHour,
    expiresAt,
    parentKeyId: parent?.key_id ?? null,
  };
}
