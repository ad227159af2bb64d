// Discovery for MCP clients (docs/mcp.md, OAuth), as the MCP authorization specification
// asks: the protected resource metadata of /mcp (RFC 9728), which a 401 from /mcp points
// to in its WWW-Authenticate, and this site's authorization server metadata (RFC 8414).
// Public: they describe, they grant nothing.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { OAUTH_SCOPES } from "../../core/auth/oauth-rules";
import type { AppEnv } from "../http/app-env";
import { createRouter } from "../http/app-env";
import { issuerOf, MCP_PATH, mcpResourceOf } from "../http/oauth-server";
import { jsonResponse } from "../http/openapi-parts";

const ResourceMetadata = z
  .object({
    resource: z.string(),
    authorization_servers: z.array(z.string()),
    scopes_supported: z.array(z.string()),
    bearer_methods_supported: z.array(z.literal("header")),
    resource_name: z.string(),
    resource_documentation: z.string(),
  })
  .openapi("OAuthProtectedResourceMetadata");

const ServerMetadata = z
  .object({
    issuer: z.string(),
    authorization_endpoint: z.string(),
    token_endpoint: z.string(),
    registration_endpoint: z.string(),
    scopes_supported: z.array(z.string()),
    response_types_supported: z.array(z.literal("code")),
    response_modes_supported: z.array(z.literal("query")),
    grant_types_supported: z.array(z.enum(["authorization_code", "refresh_token"])),
    token_endpoint_auth_methods_supported: z.array(z.enum(["none", "client_secret_post", "client_secret_basic"])),
    code_challenge_methods_supported: z.array(z.literal("S256")),
    authorization_response_iss_parameter_supported: z.boolean(),
    service_documentation: z.string(),
  })
  .openapi("OAuthAuthorizationServerMetadata");

const resourceRoute = (path: string, operationId: string, summary: string) =>
  createRoute({
    method: "get",
    path,
    operationId,
    security: [],
    tags: ["MCP authorization"],
    summary,
    description:
      "RFC 9728. The resource is this site's /mcp; its authorization server is this site. A 401 from /mcp names this document in its WWW-Authenticate (resource_metadata).",
    responses: { 200: jsonResponse("The metadata", ResourceMetadata) },
  });

const resourceAtPath = resourceRoute(
  `/.well-known/oauth-protected-resource${MCP_PATH}`,
  "get_protected_resource_metadata",
  "The protected resource metadata of /mcp",
);
const resourceAtRoot = resourceRoute(
  "/.well-known/oauth-protected-resource",
  "get_root_protected_resource_metadata",
  "The protected resource metadata of /mcp, at the root (for clients that look there)",
);

const serverRoute = createRoute({
  method: "get",
  path: "/.well-known/oauth-authorization-server",
  operationId: "get_authorization_server_metadata",
  security: [],
  tags: ["MCP authorization"],
  summary: "This site's OAuth authorization server metadata",
  description:
    "RFC 8414: authorization code with PKCE (S256 only) and refresh tokens, dynamic client registration (RFC 7591), resource indicators (RFC 8707).",
  responses: { 200: jsonResponse("The metadata", ServerMetadata) },
});

function resourceMetadata(c: Context<AppEnv>) {
  return {
    resource: mcpResourceOf(c),
    authorization_servers: [issuerOf(c)],
    scopes_supported: [...OAUTH_SCOPES],
    bearer_methods_supported: ["header" as const],
    resource_name: "DIFY-AGENT MCP server",
    resource_documentation: `${issuerOf(c)}/docs`,
  };
}

export const oauthMetadataRoutes = createRouter()
  .openapi(resourceAtPath, (c) => c.json(resourceMetadata(c), 200))
  .openapi(resourceAtRoot, (c) => c.json(resourceMetadata(c), 200))
  .openapi(serverRoute, (c) => {
    const issuer = issuerOf(c);
    return c.json(
      {
        issuer,
        authorization_endpoint: `${issuer}/oauth/authorize`,
        token_endpoint: `${issuer}/oauth/token`,
        registration_endpoint: `${issuer}/oauth/register`,
        scopes_supported: [...OAUTH_SCOPES],
        response_types_supported: ["code" as const],
        response_modes_supported: ["query" as const],
        grant_types_supported: ["authorization_code" as const, "refresh_token" as const],
        token_endpoint_auth_methods_supported: [
          "none" as const,
          "client_secret_post" as const,
          "client_secret_basic" as const,
        ],
        code_challenge_methods_supported: ["S256" as const],
        authorization_response_iss_parameter_supported: true,
        service_documentation: `${issuer}/docs`,
      },
      200,
    );
  });
