// The benchmarks' entry (bench/local-runtime.ts starts it in place of worker/index.ts):
// the production app with the baseline routes the benchmarks compare against. They
// exist only here, so the production bundle has none (scripts/check-bundle.ts).
import { createApp } from "../../src/router/app";
import { workerHandlers } from "../../src/router/worker";
import { benchAnalyticsRoutes } from "./analytics-routes";
import { benchRoutes } from "./baseline-routes";

// The TenantObject binding gets the bench's subclass: the production class plus the
// flush the bench routes call (bench-tenant-object.ts).
export { SandboxPlatform, VectorIndexObject, WebhookReceiver } from "../../worker/index";
export { BenchTenantObject as TenantObject } from "./bench-tenant-object";

const app = createApp();
app.route("/", benchRoutes);
app.route("/", benchAnalyticsRoutes);

export default workerHandlers(app);
