// The Worker's entry: the HTTP handler and the Durable Object classes it exports.
// Only handlers, classes and types may be exported here (wrangler refuses others).
import { createApp } from "../src/app";
import { routeParties } from "../src/live/party-gate";
import { repairPlacement } from "../src/placement/repair";
import { dayOf } from "../src/skills/calendar";
import { runDailySkillJob } from "../src/skills/daily-job";

export { SandboxPlatform } from "../objects/sandbox-platform";
export { TenantObject } from "../objects/tenant-object/tenant-object";
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
  // then the skill job (metrics roll-up and skill review).
  async scheduled(controller, env, _ctx) {
    const repair = await repairPlacement(env, controller.scheduledTime);
    console.log("placement repair", JSON.stringify(repair));
    const report = await runDailySkillJob(env, dayOf(new Date(controller.scheduledTime)));
    console.log("daily skill job", JSON.stringify(report));
  },
} satisfies ExportedHandler<Env>;
