// The Worker's handlers around an app: live dashboard sockets (/parties/…), the app
// itself, and the daily cron. The entries (worker/index.ts in production,
// bench/worker/index.ts for the benchmarks) pass the app they serve.
import type { Hono } from "hono";
import type { AppEnv } from "./http/app-env";
import { routeParties } from "./live/party-gate";
import { repairPlacement } from "./placement/repair";
import { dayOf } from "./skills/calendar";
import { runDailySkillJob } from "./skills/daily-job";

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
    // The daily cron (wrangler.toml [triggers]): the placement repair (src/placement/repair.ts),
    // then the skill job (metrics roll-up and skill review).
    async scheduled(controller, env, _ctx) {
      const repair = await repairPlacement(env, controller.scheduledTime);
      console.log("placement repair", JSON.stringify(repair));
      const report = await runDailySkillJob(env, dayOf(new Date(controller.scheduledTime)));
      console.log("daily skill job", JSON.stringify(report));
    },
  } satisfies ExportedHandler<Env>;
}
