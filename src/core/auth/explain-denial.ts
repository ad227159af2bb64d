// The detail of a 403: which rule said no.
import { type Denial, PERMISSIONS, type Permission } from "./permissions";

export function explainDenial(permission: Permission, reason: Denial, role: string): string {
  switch (reason) {
    case "role":
      return `The ${role} role may not do this (${permission})`;
    case "scope": {
      const rule: { scope: string; alsoScope?: string } = PERMISSIONS[permission];
      const scopes = rule.alsoScope ? `"${rule.scope}" (or "${rule.alsoScope}")` : `"${rule.scope}"`;
      return `This API key lacks the scope ${scopes} (${permission})`;
    }
    case "session_only":
      return `Only a signed-in user may do this, not an API key (${permission})`;
  }
}
