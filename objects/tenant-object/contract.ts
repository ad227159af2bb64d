// What the router and a TenantObject exchange to authenticate a request in the
// object (which holds its tenant's credentials and hourly limits).

import type { Permission } from "../../src/auth/permissions";
import type { UserPrincipal } from "../../src/auth/principal";
import type { Admission } from "../identity/api-key-window";
import type { PresentedCredential } from "../identity/credentials";
import type { FlowResult } from "../publishing/publish-flow";
import type { Answer } from "../publishing/types";

export type { PresentedCredential };

export type AuthResult =
  | { ok: true; principal: UserPrincipal; admission: Admission | null }
  | { ok: false; status: 401 }
  | { ok: false; status: 429; admission: Admission; principal: UserPrincipal };

/** A route that leaves authentication and its permission check to its object call. */
export interface DeferredAuth {
  presented: PresentedCredential;
  permission: Permission;
  /** The route's audit action, for the row of a refusal. */
  audit: { action: string; resourceType: string };
}

export type PublishNowResult = FlowResult & {
  keyAdmission?: Admission;
  /** Who asked, once the object authenticated them. */
  principal?: UserPrincipal;
  answer?: Answer;
};
