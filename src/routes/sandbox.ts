// /sandbox/<platform>/*: the sandbox platforms' HTTP surface (authorize pages a
// browser opens, and the control panel), served while that platform is in sandbox
// mode. Not part of the product's API, so not in the OpenAPI document.
import { createRouter } from "../http/app-env";
import { ProblemError } from "../http/problem";
import { platformConfig } from "../platforms/config";
import { PLATFORMS, type Platform } from "../platforms/types";

export const sandboxRoutes = createRouter().all("/sandbox/:platform/*", async (c) => {
  const platform = c.req.param("platform") as Platform;
  if (!PLATFORMS.includes(platform) || platformConfig(c.env, platform).mode !== "sandbox") {
    throw new ProblemError("notFound", "No sandbox for that platform here");
  }
  const response = await c.env.SandboxPlatform.getByName(platform).fetch(c.req.raw);
  // A response from another object has immutable headers; the router's middleware adds some.
  return new Response(response.body, response);
});
