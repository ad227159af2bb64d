// The Worker's handlers around an app: live dashboard sockets (/parties/…), the app
// itself, and the daily cron. The entries (worker/index.ts in production,
// bench/worker/index.ts for the benchmarks) pass the app they serve.
import type { Hono } from "hono";
import { optimizeDatabases } from "../core/db/optimize";
import { runErasureJob } from "../core/erasure/job";
import { repairPlacement } from "../core/placement/repair";
import { sweepExpiredExports } from "../core/retention/export-sweep";
import { runRetentionJob } from "../core/retention/job";
import { dayOf } from "../core/skills/calendar";
import { runDailySkillJob } from "../core/skills/daily-job";
import { erasureDeps } from "./erasure-object";
import type { AppEnv } from "./http/app-env";
import { routeParties } from "./party-gate";
import { webhookQueue } from "./webhook-queue";

export function workerHandlers(app: Hono<AppEnv>) {
  return {
    async fetch(request, env, ctx) {
      // Live dashboards: /parties/tenant-object/<tenant>?ticket=... (WebSocket).
      if (new URL(request.url).pathname.startsWith("/parties/")) {
        const party = await routeParties(request, env);
        if (party) return party;
      }
      return app.fetch(request, env, ctx);
    },
    // Outgoing webhooks' delivery queue (wrangler.toml [[queues.consumers]], docs/webhooks.md).
    queue: webhookQueue(app),
    // The daily cron (wrangler.toml [triggers]): the placement repair (src/core/placement/repair.ts),
    // the skill job (metrics roll-up and skill review), tenants' erasures once their grace
    // is over (src/core/erasure), retention (src/core/retention) and
    // fresh planner statistics in every database (src/core/db/optimize.ts). Each
    // runs whatever became of the one before: a failing step is logged, never a reason to
    // skip the others (they are all safe to run again the next day).
    async scheduled(controller, env, _ctx) {
      const today = dayOf(new Date(controller.scheduledTime));
      const steps: [string, () => Promise<unknown>][] = [
        ["placement repair", () => repairPlacement(env, controller.scheduledTime)],
        ["daily skill job", () => runDailySkillJob(env, today)],
        ["tenant erasure", () => runErasureJob(env, controller.scheduledTime, erasureDeps(env))],
        ["retention", () => runRetentionJob(env, today)],
        // Tenants' exports past their seven days (docs/privacy.md).
        ["expired exports", () => sweepExpiredExports(env, controller.scheduledTime)],
        // Last, after the day's deletes: fresh planner statistics in every database.
        ["optimize", () => optimizeDatabases(env)],
      ];
      for (const [name, step] of steps) {
        try {
          console.log(name, JSON.stringify(await step()));
        } catch (error) {
          console.error(`${name} failed; the next run repeats it`, error);
        }
      }
    },
  } satisfies ExportedHandler<Env>;
}
