// The sandbox platform's HTTP surface: /sandbox/<platform>/... answers with the
// paths, shapes and errors of the real API; /sandbox/<platform>/_control is the
// control panel.
import { Hono } from "hono";
import type { Platform } from "../platforms/types";
import { sandboxBase } from "./client";
import type { SandboxContext } from "./context";
import { controlApp } from "./control";
import { facebookSandbox } from "./facebook";
import { instagramSandbox } from "./instagram";
import { linkedinSandbox } from "./linkedin";
import { recentPostsSandbox } from "./recent-posts";
import { xSandbox } from "./x";

const BUILDERS: Record<Platform, (ctx: SandboxContext) => Hono> = {
  linkedin: linkedinSandbox,
  twitter: xSandbox,
  facebook: facebookSandbox,
  instagram: instagramSandbox,
};

export function sandboxApp(ctx: SandboxContext, adminToken: string): Hono {
  const app = new Hono().basePath(sandboxBase(ctx.platform));
  app.route("/_control", controlApp(ctx.store, adminToken));
  app.route("/", recentPostsSandbox(ctx));
  app.route("/", BUILDERS[ctx.platform](ctx));
  app.notFound((c) =>
    c.json({ error: `the ${ctx.platform} sandbox has no ${c.req.method} ${new URL(c.req.url).pathname}` }, 404),
  );
  return app;
}
