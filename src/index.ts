// The Worker's entry: the HTTP handler and the Durable Object classes it exports.
// Only handlers, classes and types may be exported here (wrangler refuses others).
import { createApp } from "./app";
import { routeParties } from "./live/party-gate";
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
  // The daily skill job (wrangler.toml [triggers]): metrics roll-up and skill review.
  async scheduled(controller, env, _ctx) {
    const report = await runDailySkillJob(env, dayOf(new Date(controller.scheduledTime)));
    console.log("daily skill job", JSON.stringify(report));
  },
} satisfies ExportedHandler<Env>;
