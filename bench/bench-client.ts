// The typed client (client/) for the benchmarks, with the benchmarks' own routes
// (bench/worker/, not in the API's document) typed beside the API's: every request of
// a run, baseline or not, goes through the same client, so the client's own cost is
// the same on both sides of a comparison.
import createClient, { type Client } from "openapi-fetch";
import type { paths } from "../client/index.ts";

type NoParameters = { query?: never; header?: never; path?: never; cookie?: never };
type Json<T> = { headers: { [name: string]: unknown }; content: { "application/json": T } };
/** A POST whose request and answers are `Body` and `Answer` (and problem+json otherwise). */
type JsonPost<Body, Answer> = {
  parameters: NoParameters;
  get?: never;
  post: {
    parameters: NoParameters;
    requestBody?: { content: { "application/json": Body } };
    responses: { 200: Json<Answer> };
  };
};

export interface FlushTotals {
  posts: number;
  statements: number;
  rowsWritten: number;
  benchmarkRowsWritten: number;
}

type DeltaEvent = {
  post_id: string;
  metrics: { likes: number; comments: number; shares: number; clicks: number; impressions: number };
};

/** The routes of bench/worker/ (baseline-routes.ts, analytics-routes.ts). */
export interface BenchPaths {
  "/bench/noop": {
    parameters: NoParameters;
    get: { parameters: NoParameters; requestBody?: never; responses: { 200: Json<{ ok: boolean }> } };
  };
  /** The same publish as POST /v1/posts, admitted by a counter in D1 (the seed's design). */
  "/bench/d1-admission": Pick<paths["/v1/posts"], "parameters" | "post">;
  "/bench/analytics/flush": JsonPost<never, FlushTotals>;
  "/bench/analytics/per-event-writes": JsonPost<{ events: DeltaEvent[] }, { statements: number; rowsWritten: number }>;
}

export type BenchClient = Client<paths & BenchPaths>;

export function createBenchClient(origin: string): BenchClient {
  return createClient<paths & BenchPaths>({ baseUrl: origin });
}
