// The Origin rule of MCP's Streamable HTTP transport: a server MUST validate the Origin
// header and answer 403 to an invalid one, so a web page (after DNS rebinding, or on
// another site) cannot drive the server from a user's browser. MCP clients are programs
// that send no Origin; a browser always sends one on a POST. So a request with an Origin
// is accepted only from this server's own origin (its own pages).
import type { Context } from "hono";
import type { AppEnv } from "../http/app-env";

/** The request's Origin when it is another origin than the server's own; null when acceptable. */
export function foreignOrigin(c: Context<AppEnv>): string | null {
  const origin = c.req.header("Origin");
  if (origin === undefined) return null;
  return origin === new URL(c.req.url).origin ? null : origin;
}
