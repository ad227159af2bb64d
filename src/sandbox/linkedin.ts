// The sandbox LinkedIn: OAuth, /v2/userinfo, the Images API and /rest/posts, with
// the LinkedIn-Version header required.
import { Hono } from "hono";
import { LINKEDIN_VERSION } from "../platforms/linkedin";
import { fail, faulty, formOf, presentedToken, type SandboxContext, withAccessToken } from "./context";
import { batchIds, ownPosts } from "./insight-reads";
import { authorize, type IssuedTokens, redeem, refreshGrant } from "./oauth";

function tokenBody(tokens: IssuedTokens): Response {
  return Response.json({
    access_token: tokens.access.token,
    expires_in: tokens.access.expiresIn,
    ...(tokens.refresh
      ? { refresh_token: tokens.refresh.token, refresh_token_expires_in: tokens.refresh.expiresIn }
      : {}),
    scope: "openid,profile,w_member_social",
  });
}

function requireVersion(ctx: SandboxContext, request: Request): Response | null {
  if (request.headers.get("LinkedIn-Version") !== LINKEDIN_VERSION) {
    return fail(ctx, "bad_request", `LinkedIn-Version header must name a supported version (${LINKEDIN_VERSION})`);
  }
  return null;
}

export function linkedinSandbox(ctx: SandboxContext): Hono {
  const app = new Hono();
  app.get("/oauth/v2/authorization", (c) => authorize(ctx, new URL(c.req.url), false));
  app.post("/oauth/v2/accessToken", async (c) => {
    const form = await formOf(c.req.raw);
    if (form.get("grant_type") === "refresh_token") return refreshGrant(ctx, c.req.raw, form, false, tokenBody);
    return faulty(ctx, "token", null, async () => {
      const result = await redeem(ctx, c.req.raw, form, { withRefresh: true });
      return "error" in result ? result.error : tokenBody(result.tokens);
    });
  });
  app.get("/v2/userinfo", (c) =>
    withAccessToken(ctx, "profile", presentedToken(c.req.raw), ["access"], (userId) => {
      const user = ctx.store.user(userId);
      return Response.json({ sub: userId, name: user?.name, email: `${user?.handle}@sandbox.invalid` });
    }),
  );
  app.post("/rest/images", (c) =>
    withAccessToken(ctx, "media", presentedToken(c.req.raw), ["access"], (userId) => {
      const wrongVersion = requireVersion(ctx, c.req.raw);
      if (wrongVersion) return wrongVersion;
      const id = ctx.store.createMedia(userId, "image", null, null, "WAITING_UPLOAD");
      const base = new URL(c.req.url);
      return Response.json({
        value: {
          uploadUrlExpiresAt: Date.now() + 3_600_000,
          uploadUrl: `${base.origin}/sandbox/linkedin/upload/${id}`,
          image: `urn:li:image:${id}`,
        },
      });
    }),
  );
  app.put("/upload/:id", (c) =>
    withAccessToken(ctx, "media", presentedToken(c.req.raw), ["access"], () => {
      ctx.store.setMediaStatus(c.req.param("id"), "AVAILABLE");
      return new Response(null, { status: 201 });
    }),
  );
  app.post("/rest/posts", async (c) => {
    // Read first: the call's writes then commit together.
    const body = (await c.req.json().catch(() => null)) as {
      author?: string;
      commentary?: string;
      content?: { media?: { id?: string } };
    } | null;
    return withAccessToken(ctx, "publish", presentedToken(c.req.raw), ["access"], (userId) => {
      const wrongVersion = requireVersion(ctx, c.req.raw);
      if (wrongVersion) return wrongVersion;
      if (!body || body.author !== `urn:li:person:${userId}`)
        return fail(ctx, "forbidden", "author must be the member");
      if (typeof body.commentary !== "string" || body.commentary.length > 3000) {
        return fail(ctx, "bad_request", "commentary must be at most 3000 characters");
      }
      const mediaUrn = body.content?.media?.id;
      if (mediaUrn && ctx.store.media(mediaUrn.replace("urn:li:image:", ""))?.status !== "AVAILABLE") {
        return fail(ctx, "bad_request", "the image has not been uploaded");
      }
      const id = ctx.store.createPost(userId, { text: body.commentary, imageUrl: mediaUrn ?? null, videoUrl: null });
      return new Response(null, { status: 201, headers: { "x-restli-id": `urn:li:share:${id}` } });
    });
  });
  // A Rest.li BATCH_GET: ids=List(urn,...); unknown shares are listed under errors.
  app.get("/rest/socialMetadata", (c) =>
    withAccessToken(ctx, "insights", presentedToken(c.req.raw), ["access"], (userId) => {
      const list = /^List\((.*)\)$/.exec(c.req.query("ids") ?? "");
      const urns = list ? batchIds(list[1], 100) : null;
      if (!urns) return fail(ctx, "bad_request", "ids must be List(urn,...) with 1 to 100 URNs");
      const results: Record<string, unknown> = {};
      const statuses: Record<string, number> = {};
      const errors: Record<string, { status: number; message: string }> = {};
      const posts = ownPosts(ctx, userId);
      for (const urn of urns) {
        const own = posts.figures(urn.replace("urn:li:share:", ""));
        if (!own) {
          statuses[urn] = 404;
          errors[urn] = { status: 404, message: "Unknown share" };
          continue;
        }
        const m = own.metrics;
        statuses[urn] = 200;
        results[urn] = {
          reactionSummaries: { LIKE: { reactionType: "LIKE", count: m.likes } },
          commentSummary: { count: m.comments, topLevelCount: m.comments },
          shareSummary: { count: m.shares },
          // What LinkedIn's share statistics report, folded in by the sandbox.
          impressionCount: m.impressions,
          uniqueImpressionsCount: m.reach,
          clickCount: m.clicks,
        };
      }
      return Response.json({ results, statuses, errors });
    }),
  );
  return app;
}
