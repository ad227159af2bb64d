// The Worker's entry: the HTTP handler and the Durable Object classes it exports.
// Only handlers, classes and types may be exported here (wrangler refuses others).
import { createApp } from "./app";

export { TenantObject } from "../objects/tenant-object";
export { VectorIndexObject } from "../objects/vector-index-object";

const app = createApp();

export default {
  fetch(request, env, ctx) {
    return app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
