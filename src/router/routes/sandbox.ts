// /sandbox/<platform>/*: the sandbox platforms' HTTP surface (authorize pages a
// browser opens, and the control panel). Served only in development mode; in
// production (no switch, no SandboxPlatform binding) every path here is a 404, as if
// it did not exist. Not part of the product's API, so not in the OpenAPI document.

import { sandboxEnabled } from "../../core/platforms/mode";
import { PLATFORMS, type Platform } from "../../core/platforms/types";
import { createRouter } from "../http/app-env";
import { notFound } from "../http/error-handler";

export const sandboxRoutes = createRouter().all("/sandbox/:platform/*", async (c) => {
  const platform = c.req.param("platform") as Platform;
  const namespace = c.env.SandboxPlatform;
  if (!sandboxEnabled(c.env) || !namespace || !PLATFORMS.includes(platform)) {
    return notFound(c);
  }
  const response = await namespace.getByName(platform).fetch(c.req.raw);
  // A response from another object has immutable headers; the router's middleware adds some.
  return new Response(response.body, response);
});
