// POST /oauth/register: dynamic client registration (RFC 7591; docs/mcp.md, OAuth), so an
// MCP client can register itself before its member signs in. Open, as the MCP
// authorization specification expects: a client is only a name and exact redirect URIs,
// and gets nothing of a tenant until a member consents on this site's own page.
// Redirect URIs are https, or http to the machine itself for a native client
// (src/core/auth/oauth-rules.ts); a confidential client's secret is shown once, stored as
// its digest. Metadata this server does not use (logo_uri, contacts, ...) is ignored, as
// the RFC allows.
import { createRoute, z } from "@hono/zod-openapi";
import { redirectUriProblem } from "../../core/auth/oauth-rules";
import { digestOAuthSecret, newClientSecret, newOAuthClientId } from "../../core/auth/oauth-tokens";
import { isoNow } from "../../core/clock";
import { insertOAuthClient, type TokenEndpointAuthMethod } from "../../core/db/oauth-clients";
import { createOAuthRouter, noStore, oauthRefusal } from "../http/oauth-server";
import { jsonBody, jsonResponse } from "../http/openapi-parts";
import { problemResponseSpec } from "../http/schemas";
import { clientId as opaqueText, plainText } from "../http/text-field";

const AUTH_METHODS = ["none", "client_secret_post", "client_secret_basic"] as const;

const RegistrationBody = z
  .object({
    redirect_uris: z.array(opaqueText(2000)).min(1).max(10),
    client_name: plainText(0, 100).optional(),
    token_endpoint_auth_method: z.string().max(100).optional(),
    grant_types: z.array(z.string().max(100)).max(10).optional(),
    response_types: z.array(z.string().max(100)).max(10).optional(),
    scope: z.string().max(2000).optional(),
  })
  .openapi("OAuthClientRegistration");

const RegisteredClient = z
  .object({
    client_id: z.string(),
    client_secret: z.string().optional().openapi({ description: "Shown once; only for a confidential client" }),
    client_id_issued_at: z.number().int(),
    client_secret_expires_at: z.number().int().optional().openapi({ description: "0: never" }),
    client_name: z.string(),
    redirect_uris: z.array(z.string()),
    token_endpoint_auth_method: z.enum(AUTH_METHODS),
    grant_types: z.array(z.enum(["authorization_code", "refresh_token"])),
    response_types: z.array(z.literal("code")),
  })
  .openapi("OAuthRegisteredClient");

const route = createRoute({
  method: "post",
  path: "/oauth/register",
  operationId: "register_oauth_client",
  security: [],
  tags: ["MCP authorization"],
  summary: "Register an OAuth client (RFC 7591): its name and exact redirect URIs",
  description:
    "token_endpoint_auth_method none (a public client, PKCE alone: MCP clients), client_secret_post or client_secret_basic (the default, as RFC 7591 says: a secret is answered once). Grant types authorization_code and refresh_token; response type code.",
  middleware: [noStore],
  request: jsonBody(RegistrationBody),
  responses: {
    201: jsonResponse("Registered", RegisteredClient),
    400: problemResponseSpec(
      "Invalid metadata: error invalid_redirect_uri (a URI that is not https or a loopback http one, or has a fragment) or invalid_client_metadata, or a body that is not valid (invalid_request)",
    ),
  },
});

export const oauthRegisterRoutes = createOAuthRouter().openapi(route, async (c) => {
  const body = c.req.valid("json");
  for (const [index, uri] of body.redirect_uris.entries()) {
    const problem = redirectUriProblem(uri);
    if (problem) throw oauthRefusal("invalid_redirect_uri", `redirect_uris[${index}]: ${problem}`);
  }
  const method = body.token_endpoint_auth_method ?? "client_secret_basic";
  if (!(AUTH_METHODS as readonly string[]).includes(method)) {
    throw oauthRefusal("invalid_client_metadata", `token_endpoint_auth_method: one of ${AUTH_METHODS.join(", ")}`);
  }
  const grantTypes = body.grant_types ?? ["authorization_code"];
  const unknownGrant = grantTypes.find((grant) => grant !== "authorization_code" && grant !== "refresh_token");
  if (unknownGrant !== undefined || !grantTypes.includes("authorization_code")) {
    throw oauthRefusal("invalid_client_metadata", "grant_types: authorization_code, and refresh_token if wanted");
  }
  if ((body.response_types ?? ["code"]).some((type) => type !== "code")) {
    throw oauthRefusal("invalid_client_metadata", "response_types: only code");
  }
  const secret = method === "none" ? null : newClientSecret();
  const clientId = newOAuthClientId();
  const clientName = body.client_name?.trim() || "MCP client";
  // A client that may use its code may refresh it too (the grant comes with a refresh token).
  const granted = ["authorization_code", "refresh_token"] as const;
  const createdAt = isoNow(c.var.clock);
  await insertOAuthClient(c.env.DB, {
    clientId,
    clientName,
    redirectUris: body.redirect_uris,
    authMethod: method as TokenEndpointAuthMethod,
    secretHash: secret ? await digestOAuthSecret(secret) : null,
    grantTypes: [...granted],
    createdAt,
  });
  return c.json(
    {
      client_id: clientId,
      ...(secret ? { client_secret: secret, client_secret_expires_at: 0 } : {}),
      client_id_issued_at: Math.floor(Date.parse(createdAt) / 1000),
      client_name: clientName,
      redirect_uris: body.redirect_uris,
      token_endpoint_auth_method: method as TokenEndpointAuthMethod,
      grant_types: [...granted],
      response_types: ["code" as const],
    },
    201,
  );
});
