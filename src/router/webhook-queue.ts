// The Worker's `queue` handler for the outgoing webhooks' delivery queue
// (src/core/webhooks/consumer.ts does the work). Attempts go out with fetch; in
// development mode an endpoint on this Worker's own development receiver
// (http://localhost:<port>/sandbox/webhook-receiver/<name>, src/core/webhooks/receiver.ts)
// is served by the app in process, as the sandbox platforms are reached without the
// network, so the receiver answers in `npm start` and in tests alike.
import type { Hono } from "hono";
import { type Clock, systemClock } from "../core/clock";
import { sandboxEnabled } from "../core/platforms/mode";
import { deliverBatch } from "../core/webhooks/consumer";
import { isLocalReceiverUrl } from "../core/webhooks/receiver";
import type { AppEnv } from "./http/app-env";

export function webhookQueue(app: Hono<AppEnv>, clock: Clock = systemClock, random?: () => number) {
  return async (batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext): Promise<void> => {
    const send = (request: Request): Promise<Response> =>
      sandboxEnabled(env) && isLocalReceiverUrl(new URL(request.url))
        ? Promise.resolve(app.fetch(request, env, ctx))
        : fetch(request);
    await deliverBatch(batch, env, { clock, send, ...(random ? { random } : {}) });
  };
}
