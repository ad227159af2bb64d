// The Worker's entry: the HTTP handler and the Durable Object classes it exports.
// Only handlers, classes and types may be exported here (wrangler refuses others).
import { createApp } from "./app";
import { routeParties } from "./live/party-gate";
import { repairPlacement } from "./placement/repair";
import { runRetentionJob } from "./retention/job";
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
  // then the skill job (metrics roll-up and skill review), then retention (src/retention).
  async scheduled(controller, env, _ctx) {
    const repair = await repairPlacement(env, controller.scheduledTime);
    console.log("placement repair", JSON.stringify(repair));
    const report = await runDailySkillJob(env, dayOf(new Date(controller.scheduledTime)));
    console.log("daily skill job", JSON.stringify(report));
    const retention = await runRetentionJob(env, dayOf(new Date(controller.scheduledTime)));
    console.log("retention", JSON.stringify(retention));
  },
} satisfies ExportedHandler<Env>;
