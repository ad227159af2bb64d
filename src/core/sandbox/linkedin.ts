// The sandbox LinkedIn: OAuth (a refresh token keeps the 365-day life of its first
// grant: oauth.ts), /v2/userinfo (the email claims only with the email scope), the
// Images API, the Videos API (linkedin-videos.ts), /rest/posts (commentary read as
// little text, cut at an unescaped reserved character: little-text.ts),
// memberCreatorPostAnalytics and socialMetadata, each refusing a token without the
// scope LinkedIn documents for it, and the LinkedIn-Version header required to name
// a version LinkedIn still serves (linkedin-versions.ts). A 429 carries no Retry-After
// (dialects.ts). Sources: learn.microsoft.com, LinkedIn Marketing pages named in
// src/core/platforms/linkedin.ts.
import { Hono } from "hono";
import { fail, faulty, formOf, presentedToken, type SandboxContext, withAccessToken } from "./context";
import { batchIds, ownPosts } from "./insight-reads";
import { memberAnalytics } from "./linkedin-analytics";
import { servesVersion } from "./linkedin-versions";
import { linkedinVideoRoutes, postableVideo } from "./linkedin-videos";
import { renderLittleText } from "./little-text";
import { authorize, authorizeParams, grantedScopes, type IssuedTokens, redeem, refreshGrant } from "./oauth";
import { linkedinDuplicate } from "./recent-posts";

/** Scopes LinkedIn grants only to select developers: an ordinary app asking for one is refused. */
const RESTRICTED_SCOPES = ["r_member_social"];

function tokenBody(tokens: IssuedTokens): Response {
  return Response.json({
    access_token: tokens.access.token,
    expires_in: tokens.access.expiresIn,
    ...(tokens.refresh
      ? { refresh_token: tokens.refresh.token, refresh_token_expires_in: tokens.refresh.expiresIn }
      : {}),
    scope: tokens.scopes.join(","),
  });
}

/** LinkedIn answers 426 NONEXISTENT_VERSION for a missing, unknown or sunset version. */
function requireVersion(request: Request): Response | null {
  const version = request.headers.get("LinkedIn-Version") ?? "";
  if (servesVersion(version, Date.now())) return null;
  return Response.json(
    {
      status: 426,
      code: version ? "NONEXISTENT_VERSION" : "VERSION_MISSING",
      message: version ? `Requested version ${version} is not active` : "A version must be present",
    },
    { status: 426 },
  );
}

export function linkedinSandbox(ctx: SandboxContext): Hono {
  const app = new Hono();
  app.on(["GET", "POST"], "/oauth/v2/authorization", async (c) => {
    const params = await authorizeParams(c.req.raw);
    const restricted = grantedScopes(params.get("scope")).filter((s) => RESTRICTED_SCOPES.includes(s));
    if (restricted.length > 0) {
      return new Response(`unauthorized_scope_error: ${restricted.join(", ")} is not authorized for this app`, {
        status: 400,
      });
    }
    return authorize(ctx, c.req.raw, false, params);
  });
  app.post("/oauth/v2/accessToken", async (c) => {
    const form = await formOf(c.req.raw);
    if (form.get("grant_type") === "refresh_token") return refreshGrant(ctx, c.req.raw, form, false, tokenBody);
    return faulty(ctx, "token", null, async () => {
      const result = await redeem(ctx, c.req.raw, form, { withRefresh: true });
      return "error" in result ? result.error : tokenBody(result.tokens);
    });
  });
  app.get("/v2/userinfo", (c) =>
    withAccessToken(
      ctx,
      "profile",
      presentedToken(c.req.raw),
      ["access"],
      (userId) => {
        // Sign In with LinkedIn using OpenID Connect: the profile claims with the
        // profile scope, the email claims only with the email scope.
        const user = ctx.store.user(userId);
        const scopes = ctx.store.tokenScopes(presentedToken(c.req.raw) ?? "");
        const [given, ...family] = (user?.name ?? "").split(" ");
        return Response.json({
          sub: userId,
          name: user?.name,
          given_name: given,
          family_name: family.join(" "),
          locale: { country: "US", language: "en" },
          ...(scopes.includes("email") ? { email: `${user?.handle}@sandbox.invalid`, email_verified: true } : {}),
        });
      },
      ["openid", "profile"],
    ),
  );
  app.post("/rest/images", (c) =>
    withAccessToken(ctx, "media", presentedToken(c.req.raw), ["access"], (userId) => {
      const wrongVersion = requireVersion(c.req.raw);
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
  linkedinVideoRoutes(app, ctx, requireVersion);
  app.post("/rest/posts", async (c) => {
    // Read first: the call's writes then commit together.
    const body = (await c.req.json().catch(() => null)) as {
      author?: string;
      commentary?: string;
      content?: { media?: { id?: string } };
    } | null;
    return withAccessToken(
      ctx,
      "publish",
      presentedToken(c.req.raw),
      ["access"],
      (userId) => {
        const wrongVersion = requireVersion(c.req.raw);
        if (wrongVersion) return wrongVersion;
        if (!body || body.author !== `urn:li:person:${userId}`)
          return fail(ctx, "forbidden", "author must be the member");
        if (typeof body.commentary !== "string" || body.commentary.length > 3000) {
          return fail(ctx, "bad_request", "commentary must be at most 3000 characters");
        }
        const mediaUrn = body.content?.media?.id;
        if (mediaUrn?.startsWith("urn:li:video:")) {
          if (!postableVideo(ctx, userId, mediaUrn)) return fail(ctx, "bad_request", "the video is not AVAILABLE");
        } else if (mediaUrn && ctx.store.media(mediaUrn.replace("urn:li:image:", ""))?.status !== "AVAILABLE") {
          return fail(ctx, "bad_request", "the image has not been uploaded");
        }
        // Stored as LinkedIn shows it: cut at the first unescaped reserved character,
        // and still a 201.
        const { text } = renderLittleText(body.commentary);
        const duplicate = linkedinDuplicate(ctx, userId, text);
        if (duplicate) return duplicate;
        const id = ctx.store.createPost(userId, { text, imageUrl: mediaUrn ?? null, videoUrl: null });
        return new Response(null, { status: 201, headers: { "x-restli-id": `urn:li:share:${id}` } });
      },
      ["w_member_social"],
    );
  });
  app.get("/rest/memberCreatorPostAnalytics", (c) =>
    withAccessToken(
      ctx,
      "insights",
      presentedToken(c.req.raw),
      ["access"],
      (userId) =>
        requireVersion(c.req.raw) ??
        memberAnalytics(ctx, userId, new URL(c.req.url), c.req.header("LinkedIn-Version") ?? ""),
      ["r_member_postAnalytics"],
    ),
  );
  // A Rest.li BATCH_GET: ids=List(urn,...); unknown shares are listed under errors.
  // Social Metadata API: needs r_member_social ("granted to select developers only"),
  // and has reactions and comments, no impressions or clicks.
  app.get("/rest/socialMetadata", (c) =>
    withAccessToken(
      ctx,
      "insights",
      presentedToken(c.req.raw),
      ["access"],
      (userId) => {
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
          };
        }
        return Response.json({ results, statuses, errors });
      },
      ["r_member_social"],
    ),
  );
  return app;
}
