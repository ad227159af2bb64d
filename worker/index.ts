// The Worker's entry (wrangler.toml main): the router's handlers and the Durable Object
// classes. It is the one module that joins src/ (the router, which knows the objects
// by their contracts only) and objects/ (their classes). Only handlers, classes and
// types may be exported here (wrangler refuses others).
import { createApp } from "../src/app";
import { workerHandlers } from "../src/worker";

export { SandboxPlatform } from "../objects/sandbox-platform";
export { TenantObject } from "../objects/tenant-object/tenant-object";
export { VectorIndexObject } from "../objects/vector-index-object";

export default workerHandlers(createApp());
