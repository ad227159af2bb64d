// RFC 9457 problem details, the one error shape of the API: the stable problem types and
// the error any layer throws to answer with one. Making the HTTP response of a problem
// is the router's (src/router/http/problem.ts).

/** One failing field of a validation error. */
export interface FieldError {
  /** Where the field is: "body", "query", "param", "header" or "json". */
  in: string;
  /** Dotted path to the field, e.g. "settings.timezone"; empty for the whole input. */
  field: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/**
 * Stable problem types. The `type` URI is relative to the API's origin and never
 * changes once published; clients may switch on it.
 */
export const PROBLEM_TYPES = {
  validation: { status: 400, title: "Your request is not valid" },
  malformedJson: { status: 400, title: "The request body is not valid JSON" },
  unauthenticated: { status: 401, title: "Authentication is required" },
  forbidden: { status: 403, title: "You are not allowed to do this" },
  // Who may not decide on a post that waits for approval (docs/approvals.md).
  ownPost: { status: 403, title: "You cannot approve or reject your own post" },
  agentNotApprover: { status: 403, title: "An agent cannot approve or reject posts" },
  notFound: { status: 404, title: "Not found" },
  conflict: { status: 409, title: "The request conflicts with the current state" },
  accountUnavailable: { status: 409, title: "The social account cannot publish" },
  // A held post stays held while its reason stands (docs/publishing.md, Held posts).
  tenantStopped: { status: 409, title: "The tenant is suspended or deleted" },
  authorRemoved: { status: 409, title: "The member who answers for the post is suspended or removed" },
  // A state of this deployment, not a passing failure: retrying cannot help until the
  // operator sets the platform's app credentials (src/core/platforms/mode.ts).
  platformNotConfigured: { status: 409, title: "The platform is not configured in this deployment" },
  idempotencyMismatch: { status: 422, title: "The Idempotency-Key was used for a different request" },
  platformRejected: { status: 422, title: "The platform refused the post" },
  // A post its configuration refuses, nothing sent; `rule` names the configuration's
  // field (docs/publishing.md, Post configurations and best times). After the
  // other 422s: a bare 422 is never one.
  platformNotAllowed: { status: 422, title: "The post configuration does not allow this platform" },
  guardNotPassed: { status: 422, title: "The content has not passed its guards" },
  brandVoiceTooLow: { status: 422, title: "The content's brand-voice score is below the configuration's minimum" },
  // The subscription stops the request (src/core/billing/subscription.ts): past_due after
  // its grace (publishing), or canceled (every write). subscription_status,
  // past_due_since, grace_ends_at and refused say which (docs/billing.md).
  paymentRequired: { status: 402, title: "Payment is required" },
  // Billing the owner cannot set: the tier, the subscription and the Stripe customer come
  // from Stripe's webhook and the operator, the grace from the operator
  // (src/router/routes/tenant-billing.ts, src/router/http/billing-settings.ts); `errors` names the fields.
  billingManaged: { status: 403, title: "Billing is managed by the subscription and the operator" },
  // A Stripe webhook whose Stripe-Signature does not verify: nothing was applied.
  webhookSignature: { status: 400, title: "The webhook's signature could not be verified" },
  // The OAuth authorization server's refusals (docs/mcp.md, OAuth): each carries RFC 6749's
  // `error` code (invalid_request, invalid_grant, unsupported_grant_type, invalid_scope,
  // invalid_target, invalid_redirect_uri, invalid_client_metadata) and `error_description`,
  // which OAuth clients read; invalid_client is its own type, a 401.
  oauthRefused: { status: 400, title: "The authorization server refused the request" },
  oauthClient: { status: 401, title: "The OAuth client is not known, or did not authenticate" },
  payloadTooLarge: { status: 413, title: "The request body is too large" },
  // It existed and is gone for good: an export past its expiry (docs/privacy.md).
  gone: { status: 410, title: "It is no longer available" },
  unsupportedMediaType: { status: 415, title: "Unsupported media type" },
  rateLimited: { status: 429, title: "Too many requests" },
  internal: { status: 500, title: "Internal error" },
  unavailable: { status: 503, title: "Service unavailable" },
  tenantMoving: { status: 503, title: "The tenant's data is being moved; retry shortly" },
  platformUnavailable: { status: 503, title: "The platform is not available; nothing was published" },
  badGateway: { status: 502, title: "The platform answered with an error" },
  // A quota of the plan used up (src/core/billing/quotas.ts, docs/billing.md): each names
  // its quota and carries `limit`, `used` and `resets_at`. The posts of the month come
  // back next month (429, Retry-After); a count quota makes room when one is removed or
  // the operator raises it (403). Last here, so a bare 403 or 429 is never one.
  quotaPostsPerMonth: { status: 429, title: "The plan's posts for this month are used up" },
  quotaSocialAccounts: { status: 403, title: "The plan's social accounts are used up" },
  quotaUsers: { status: 403, title: "The plan's users are used up" },
  quotaApiKeys: { status: 403, title: "The plan's API keys are used up" },
  quotaKnowledgeEntries: { status: 403, title: "The plan's knowledge entries are used up" },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemKind = keyof typeof PROBLEM_TYPES;

export function problemTypeUri(kind: ProblemKind): string {
  return `/problems/${kind.replace(/[A-Z]/g, (l) => `-${l.toLowerCase()}`)}`;
}

/** Throw anywhere in a request to answer with a problem. */
export class ProblemError extends Error {
  readonly problem: Problem;
  readonly headers: Record<string, string>;

  constructor(
    kind: ProblemKind,
    detail?: string,
    extensions: Omit<Partial<Problem>, "type" | "status" | "title"> = {},
    headers: Record<string, string> = {},
  ) {
    super(detail ?? PROBLEM_TYPES[kind].title);
    this.name = "ProblemError";
    const { status, title } = PROBLEM_TYPES[kind];
    this.problem = { type: problemTypeUri(kind), title, status, ...(detail ? { detail } : {}), ...extensions };
    this.headers = headers;
  }
}
