// Every operation of the API's OpenAPI document, in one list that the security matrix,
// its coverage check and the fuzzer (test/fuzz) all read: the tenant routes the matrix
// walks (ROUTES), the operator's and the public ones. coverage.test.ts fails when a
// documented operation is missing here.
import type { RouteCase } from "../route-case";
import { ANALYTICS_ROUTES } from "./analytics";
import { APPROVAL_ROUTES } from "./approvals";
import { CONTENT_ROUTES } from "./content";
import { IDENTITY_ROUTES } from "./identity";
import { OAUTH_PUBLIC_ROUTES, OAUTH_ROUTES } from "./oauth";
import { OPERATOR_ROUTES } from "./operator";
import { PRIVACY_ROUTES } from "./privacy";
import { PUBLIC_ROUTES } from "./public";
import { PUBLISHING_ROUTES } from "./publishing";
import { REPORT_ROUTES } from "./reports";
import { WEBHOOK_ROUTES } from "./webhooks";

/** The tenant routes: the role and scope matrix, another tenant's resources, invalid input. */
export const ROUTES: RouteCase[] = [
  ...IDENTITY_ROUTES,
  ...OAUTH_ROUTES,
  ...PUBLISHING_ROUTES,
  ...APPROVAL_ROUTES,
  ...CONTENT_ROUTES,
  ...ANALYTICS_ROUTES,
  ...REPORT_ROUTES,
  ...PRIVACY_ROUTES,
  ...WEBHOOK_ROUTES,
];

/** Who calls an operation: a tenant's user (session or key), the operator, or anyone. */
export type Credential = "session" | "operator" | "none";

export interface Operation {
  route: RouteCase;
  credential: Credential;
}

/** Every documented operation, once. */
export const OPERATIONS: Operation[] = [
  ...ROUTES.map((route) => ({ route, credential: "session" as const })),
  ...OPERATOR_ROUTES.map((route) => ({ route, credential: "operator" as const })),
  ...PUBLIC_ROUTES.map((route) => ({ route, credential: "none" as const })),
  // This site's OAuth authorization server for MCP clients (docs/mcp.md, OAuth).
  ...OAUTH_PUBLIC_ROUTES.map((route) => ({ route, credential: "none" as const })),
];
