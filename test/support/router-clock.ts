// The router at a time the test chooses: the Worker's app (src/router/app.ts) made with a
// clock that reads `atMs` (src/core/clock.ts: time is injected), for what a route decides by
// its own clock, such as whether a listed key has expired. The objects it calls keep
// their own clocks: move a tenant's with advanceObjectClock (./objects.ts).
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createApp } from "../../src/router/app";
import { type CallOptions, requestOf } from "./http";

export async function callAt(atMs: number, path: string, options: CallOptions = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await createApp({ clock: () => atMs }).fetch(requestOf(path, options), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}
