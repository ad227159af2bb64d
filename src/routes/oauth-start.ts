// GET /v1/oauth/{platform}/start?state=...: the authorize URL that connect hands
// out. The platform's own authorize URL is never given to the caller; a browser
// reaches it only through here, bound to the flow by a cookie (issue 11, item 4):
// - its cookie already matches the state (it called connect, or opened this before):
//   on to the platform;
// - no browser has opened it yet (an API client handed it to its user): this browser
//   claims it, gets the cookie, and goes on;
// - another browser claimed it: refused.
// Until it is first opened, the URL is a bearer link (README, "OAuth binding").
import { createRoute, z } from "@hono/zod-openapi";
import type { StartOutcome } from "../../objects/tenant-object/contract";
import { createRouter } from "../http/app-env";
import { newBinding, presentedBinding, setBindingCookie } from "../http/oauth-binding";
import { tenantOfState } from "../http/oauth-state";
import { ProblemError } from "../http/problem";
import { PlatformParam } from "../http/publishing-schemas";
import { problemResponseSpec } from "../http/schemas";
import { retryOnReset, tenantObject } from "../objects";

const StartQuery = z.object({ state: z.string().min(1).max(200) });

const route = createRoute({
  method: "get",
  path: "/v1/oauth/{platform}/start",
  tags: ["Social accounts"],
  summary: "Open in the user's browser: binds the connection to this browser, then redirects to the platform",
  description:
    "The authorize_url of POST /v1/social-accounts/{platform}/connect. Sets an HttpOnly __Host- cookie for the state when this browser claims it; the callback completes only with that cookie.",
  request: { params: PlatformParam, query: StartQuery },
  responses: {
    302: { description: "On to the platform's authorize page (with Set-Cookie when this browser claimed the state)" },
    400: problemResponseSpec("Unknown, used or expired state, or the connection was opened in another browser"),
  },
});

export const oauthStartRoutes = createRouter().openapi(route, async (c) => {
  const { platform } = c.req.valid("param");
  const { state } = c.req.valid("query");
  const unknown = () =>
    new ProblemError("validation", 'query field "state": unknown, used or expired; start the connection again', {
      errors: [{ in: "query", field: "state", message: "unknown, used or expired" }],
    });
  const tenantId = tenantOfState(state);
  if (!tenantId) throw unknown();
  const presented = await presentedBinding(c, state);
  const claim = await newBinding();
  const object = await tenantObject(c.env, tenantId);
  const outcome = await retryOnReset(
    async () => (await object.startOAuthState(state, platform, presented, claim.hash)) as StartOutcome,
  );
  if (outcome.kind === "unknown") throw unknown();
  if (outcome.kind === "refused") {
    throw new ProblemError(
      "validation",
      "This connection was opened in another browser; start the connection again from this one",
      { errors: [{ in: "query", field: "state", message: "bound to another browser" }] },
    );
  }
  if (outcome.kind === "claimed") await setBindingCookie(c, state, claim.secret, outcome.expiresAtMs);
  c.header("Cache-Control", "no-store");
  return c.redirect(outcome.authorizeUrl, 302);
});
