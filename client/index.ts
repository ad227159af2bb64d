// A typed client for the DIFY-AGENT tenant-state API: openapi-fetch over the types
// openapi-typescript generated from the Worker's /openapi.json (./schema.d.ts, kept
// current by `npm run client:generate`; a test fails when they are stale). Every path,
// parameter, body and answer is checked by the type checker:
//
//   const api = createApiClient("http://localhost:8787", { token: "dify_…" });
//   const { data, error, response } = await api.GET("/v1/posts/{id}", { params: { path: { id } } });
//
// Errors are RFC 9457 problem+json (`error` is the Problem); `response` keeps the
// headers (Retry-After, RateLimit-*, Idempotent-Replayed).
import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "./schema.d.ts";

export type { components, paths };
export type ApiClient = Client<paths>;
/** A schema of the API's components by name: Schema<"Post">, Schema<"Problem">, … */
export type Schema<Name extends keyof components["schemas"]> = components["schemas"][Name];

export interface ApiClientOptions {
  /** An API key (dify_…) or a session token, sent as `Authorization: Bearer`. */
  token?: string;
  /** Another fetch (a test's, a proxy's). */
  fetch?: (request: Request) => Promise<Response>;
}

export function createApiClient(origin: string | URL, options: ApiClientOptions = {}): ApiClient {
  return createClient<paths>({
    baseUrl: new URL(origin).origin,
    headers: options.token ? { Authorization: `Bearer ${options.token}` } : {},
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

/** Request options that send `token` (`api.GET(path, { ...bearer(key) })`): one client, many credentials. */
export function bearer(token: string): { headers: { Authorization: string } } {
  return { headers: { Authorization: `Bearer ${token}` } };
}

/** A refusal of the API: its status and problem, and the answer's headers. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Schema<"Problem"> | undefined;
  readonly headers: Headers;

  constructor(status: number, problem: Schema<"Problem"> | undefined, headers: Headers) {
    super(`${status} ${problem?.title ?? "error"}${problem?.detail ? `: ${problem.detail}` : ""}`);
    this.name = "ApiError";
    this.status = status;
    this.problem = problem;
    this.headers = headers;
  }
}

type Answered<Data, Failure> =
  | { data: Data; error?: never; response: Response }
  | { data?: never; error: Failure; response: Response };

/** The data of a call that succeeded (nothing for a 204); an ApiError for one the API refused. */
export async function ok<Data, Failure>(call: Promise<Answered<Data, Failure>>): Promise<NonNullable<Data>> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) {
    throw new ApiError(response.status, error as Schema<"Problem"> | undefined, response.headers);
  }
  return data as NonNullable<Data>;
}
