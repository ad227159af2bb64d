// The Worker's entry: the HTTP handler and the Durable Object classes it exports.
// Only handlers, classes and types may be exported here (wrangler refuses others).
import { createApp } from "./app";
import { optimizeDatabases } from "./db/optimize";
import { routeParties } from "./live/party-gate";
import { repairPlacement } from "./placement/repair";
import { dayOf } from "./skills/calendar";
import { runDailySkillJob } from "./skills/daily-job";

export { SandboxPlatform } from "../objects/sandbox-platform";
export { TenantObject } from "../objects/tenant-object";
export { VectorIndexObject } from "../objects/vector-index-object";

const app = createApp();

export default {
  async fetch(request, env, ctx) {
    // Live dashboards: /parties/tenant-object/<tenant>?ticket=... (WebSocket).
    if (new URL(request.url).pathname.startsWith("/parties/")) {
      const party = await routeParties(request, env);
      if (party) return party;
    }
    return app.fetch(request, env, ctx);
  },
  // The daily cron (wrangler.toml [triggers]): the placement repair (src/placement/repair.ts),
  // then the skill job (metrics roll-up and skill review), then fresh planner statistics in
  // every database (src/db/optimize.ts), which run even when a job before them failed.
  async scheduled(controller, env, _ctx) {
    try {
      const repair = await repairPlacement(env, controller.scheduledTime);
      console.log("placement repair", JSON.stringify(repair));
      const report = await runDailySkillJob(env, dayOf(new Date(controller.scheduledTime)));
      console.log("daily skill job", JSON.stringify(report));
    } finally {
      console.log("optimize", JSON.stringify(await optimizeDatabases(env)));
    }
  },
} satisfies ExportedHandler<Env>;
