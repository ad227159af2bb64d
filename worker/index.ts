// The Worker's entry (wrangler.toml main): the router's handlers and the Durable Object
// classes. It is the one module that joins the router (src/router/, which knows the
// objects by their contracts only) to their classes (objects/). Only handlers, classes and
// types may be exported here (wrangler refuses others).
import { createApp } from "../src/router/app";
import { workerHandlers } from "../src/router/worker";

export { SandboxPlatform } from "../objects/sandbox-platform";
export { TenantObject } from "../objects/tenant-object/tenant-object";
export { VectorIndexObject } from "../objects/vector-index-object";
export { WebhookReceiver } from "../objects/webhooks/receiver-object";

export default workerHandlers(createApp());
