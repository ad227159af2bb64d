// Assembles the router Worker's Hono app: middleware, route groups, errors, OpenAPI.

import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { type Clock, systemClock } from "../core/clock";
import { createRouter } from "./http/app-env";
import { notFound, onError } from "./http/error-handler";
import { ProblemError } from "./http/problem";
import { MCP_PATH, mcpRoutes } from "./mcp/mcp-routes";
import { abTestsRoutes } from "./routes/ab-tests";
import { adminErasureRoutes } from "./routes/admin-erasure";
import { adminPlacementRoutes } from "./routes/admin-placement";
import { adminPostsRoutes } from "./routes/admin-posts";
import { adminRetentionRoutes } from "./routes/admin-retention";
import { adminSkillsRoutes } from "./routes/admin-skills";
import { adminTenantsRoutes } from "./routes/admin-tenants";
import { analyticsEventsRoutes } from "./routes/analytics-events";
import { analyticsReportsRoutes } from "./routes/analytics-reports";
import { apiKeysRoutes } from "./routes/api-keys";
import { auditLogsRoutes } from "./routes/audit-logs";
import { authRoutes } from "./routes/auth";
import { brandProfileRoutes } from "./routes/brand-profile";
import { contentRoutes } from "./routes/content";
import { contentFeedbackRoutes } from "./routes/content-feedback";
import { conversionsRoutes } from "./routes/conversions";
import { docsRoutes } from "./routes/docs";
import { healthRoutes } from "./routes/health";
import { knowledgeRoutes } from "./routes/knowledge";
import { knowledgeSearchRoutes } from "./routes/knowledge-search";
import { liveRoutes } from "./routes/live";
import { logoutRoutes } from "./routes/logout";
import { meRoutes } from "./routes/me";
import { mfaRoutes } from "./routes/mfa";
import { oauthAuthorizeRoutes } from "./routes/oauth-authorize";
import { oauthCallbackRoutes } from "./routes/oauth-callback";
import { oauthGrantsRoutes } from "./routes/oauth-grants";
import { oauthMetadataRoutes } from "./routes/oauth-metadata";
import { oauthRegisterRoutes } from "./routes/oauth-register";
import { oauthStartRoutes } from "./routes/oauth-start";
import { oauthTokenRoutes } from "./routes/oauth-token";
import { passwordRoutes } from "./routes/password";
import { passwordResetRoutes } from "./routes/password-reset";
import { postAnalyticsRoutes } from "./routes/post-analytics";
import { postApprovalRoutes } from "./routes/post-approvals";
import { postConfigurationsRoutes } from "./routes/post-configurations";
import { postReleaseRoutes } from "./routes/post-release";
import { postReportsRoutes } from "./routes/post-reports";
import { postsRoutes } from "./routes/posts";
import { rateLimitsRoutes } from "./routes/rate-limits";
import { sandboxRoutes } from "./routes/sandbox";
import { skillForkRoutes } from "./routes/skill-fork";
import { skillMetricsRoutes } from "./routes/skill-metrics";
import { skillSearchRoutes } from "./routes/skill-search";
import { skillVersionsRoutes } from "./routes/skill-versions";
import { skillsRoutes } from "./routes/skills";
import { socialAccountsRoutes } from "./routes/social-accounts";
import { stripeWebhookRoutes } from "./routes/stripe-webhook";
import { templatesRoutes } from "./routes/templates";
import { tenantRoutes } from "./routes/tenant";
import { tenantBillingRoutes } from "./routes/tenant-billing";
import { tenantExportsRoutes } from "./routes/tenant-exports";
import { tenantRestoreRoutes } from "./routes/tenant-restore";
import { tenantUsageRoutes } from "./routes/tenant-usage";
import { tenantsRoutes } from "./routes/tenants";
import { userPrivacyRoutes } from "./routes/user-privacy";
import { usersRoutes } from "./routes/users";
import { webhookDeliveriesRoutes } from "./routes/webhook-deliveries";
import { webhookEndpointsRoutes } from "./routes/webhook-endpoints";
import { webhookReceiverRoutes } from "./routes/webhook-receiver";

/** Largest request body the API accepts. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface AppOptions {
  /** The clock every route reads time from (tests give their own). */
  clock?: Clock;
}

export function createApp(options: AppOptions = {}) {
  const app = createRouter();
  const clock = options.clock ?? systemClock;

  app.use(async (c, next) => {
    c.set("clock", clock);
    await next();
  });

  app.use(requestId());
  app.use(secureHeaders({ crossOriginResourcePolicy: false }));
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new ProblemError("payloadTooLarge", `The body must be at most ${MAX_BODY_BYTES} bytes`);
    },
  });
  app.use("/v1/*", limitBody);
  // The sandbox is unauthenticated where a browser reaches it: same limit, before
  // anything (the sandbox's form parsing) reads the body.
  app.use("/sandbox/*", limitBody);
  // This site's OAuth authorization server for MCP clients (docs/mcp.md, OAuth): public forms.
  app.use("/oauth/*", limitBody);
  app.use(MCP_PATH, limitBody);
  app.onError(onError);
  app.notFound(notFound);

  app.route("/", healthRoutes);
  app.route("/", docsRoutes);
  app.route("/", tenantsRoutes);
  app.route("/", tenantRoutes);
  app.route("/", tenantExportsRoutes);
  app.route("/", tenantRestoreRoutes);
  app.route("/", tenantBillingRoutes);
  app.route("/", tenantUsageRoutes);
  app.route("/", stripeWebhookRoutes);
  app.route("/", authRoutes);
  app.route("/", logoutRoutes);
  app.route("/", meRoutes);
  app.route("/", passwordRoutes);
  app.route("/", mfaRoutes);
  app.route("/", usersRoutes);
  app.route("/", userPrivacyRoutes);
  app.route("/", passwordResetRoutes);
  app.route("/", apiKeysRoutes);
  app.route("/", auditLogsRoutes);
  app.route("/", socialAccountsRoutes);
  app.route("/", oauthStartRoutes);
  app.route("/", oauthCallbackRoutes);
  app.route("/", oauthMetadataRoutes);
  app.route("/", oauthRegisterRoutes);
  app.route("/", oauthAuthorizeRoutes);
  app.route("/", oauthTokenRoutes);
  app.route("/", oauthGrantsRoutes);
  app.route("/", postsRoutes);
  app.route("/", postReleaseRoutes);
  app.route("/", postApprovalRoutes);
  app.route("/", rateLimitsRoutes);
  app.route("/", analyticsEventsRoutes);
  app.route("/", postAnalyticsRoutes);
  app.route("/", liveRoutes);
  // Before the sandbox platforms' /sandbox/:platform/*, which answers 404 for any other name.
  app.route("/", webhookReceiverRoutes);
  app.route("/", sandboxRoutes);
  app.route("/", brandProfileRoutes);
  app.route("/", templatesRoutes);
  app.route("/", postConfigurationsRoutes);
  app.route("/", knowledgeSearchRoutes);
  app.route("/", knowledgeRoutes);
  app.route("/", contentRoutes);
  app.route("/", contentFeedbackRoutes);
  app.route("/", skillSearchRoutes);
  app.route("/", skillsRoutes);
  app.route("/", skillVersionsRoutes);
  app.route("/", skillForkRoutes);
  app.route("/", skillMetricsRoutes);
  app.route("/", adminSkillsRoutes);
  app.route("/", adminPlacementRoutes);
  app.route("/", adminErasureRoutes);
  app.route("/", adminPostsRoutes);
  app.route("/", adminRetentionRoutes);
  app.route("/", adminTenantsRoutes);
  app.route("/", analyticsReportsRoutes);
  app.route("/", postReportsRoutes);
  app.route("/", conversionsRoutes);
  app.route("/", abTestsRoutes);
  app.route("/", webhookEndpointsRoutes);
  app.route("/", webhookDeliveriesRoutes);

  // The MCP server (docs/mcp.md): its tools call the routes above through this app.
  app.route("/", mcpRoutes(app));

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "An API key (dify_<prefix>_<secret>) or a session token from POST /v1/auth/login.",
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "DIFY-AGENT tenant-state API",
      version: "1.0.0",
      description:
        "The tenant-state platform of DIFY-AGENT. Errors are RFC 9457 problem+json; lists use cursor pagination; ids are ULIDs; times are ISO 8601 UTC.",
    },
    servers: [{ url: "/" }],
  });

  return app;
}
