// What the OAuth authorization server's routes share (docs/mcp.md, OAuth): where it and
// the resource it protects are, its refusals, and the headers of its token answers.
//
// Its refusals are problem+json as every error of this API is, carrying RFC 6749's
// `error` and `error_description` members besides, which OAuth clients read (a problem
// document is a JSON object; extension members are RFC 9457's own provision).
import { type Hook, OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env";
import { ProblemError } from "./problem";
import { fieldErrors } from "./validation";

/**
 * The path of the MCP server (src/router/mcp/mcp-routes.ts's MCP_PATH, which imports this
 * module's neighbours: named here to keep the import graph free of circles; the OAuth
 * test checks the two agree).
 */
export const MCP_PATH = "/mcp";

/** The issuer: this site's origin (RFC 8414). */
export function issuerOf(c: Context<AppEnv>): string {
  return new URL(c.req.url).origin;
}

/** The one protected resource its tokens are bound to (RFC 8707): this site's /mcp. */
export function mcpResourceOf(c: Context<AppEnv>): string {
  return `${issuerOf(c)}${MCP_PATH}`;
}

/** The protected resource metadata's URL (RFC 9728, section 3.1: the resource's path appended). */
export function resourceMetadataUrl(c: Context<AppEnv>): string {
  return `${issuerOf(c)}/.well-known/oauth-protected-resource${MCP_PATH}`;
}

export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_grant"
  | "unsupported_grant_type"
  | "invalid_scope"
  | "invalid_target"
  | "invalid_redirect_uri"
  | "invalid_client_metadata"
  | "unauthorized_client";

/** A 400 refusal with its OAuth error code. */
export function oauthRefusal(error: OAuthErrorCode, description: string): ProblemError {
  return new ProblemError("oauthRefused", description, { error, error_description: description });
}

/** invalid_client (RFC 6749 5.2): a 401, with a Basic challenge when the client tried Basic. */
export function invalidClient(description: string, triedBasic = false): ProblemError {
  return new ProblemError(
    "oauthClient",
    description,
    { error: "invalid_client", error_description: description },
    triedBasic ? { "WWW-Authenticate": 'Basic realm="dify-agent"' } : {},
  );
}

/** The validation hook of the OAuth routes: the usual 400 naming each field, with `error: invalid_request`. */
// biome-ignore lint/suspicious/noExplicitAny: the hook is shared by routes of every shape
export const oauthValidationHook: Hook<any, any, any, any> = (result) => {
  if (result.success) return;
  const errors = fieldErrors(result.error, result.target);
  const first = errors[0];
  const detail = first
    ? `${first.in}${first.field ? ` field "${first.field}"` : ""}: ${first.message}`
    : "The request does not match the schema";
  throw new ProblemError("validation", detail, { errors, error: "invalid_request", error_description: detail });
};

/** A sub-app of the OAuth routes: their bad input is the usual 400, with `error: invalid_request`. */
export function createOAuthRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: oauthValidationHook });
}

/**
 * A form POST (the sign-in page's, a token request) is URL-encoded and nothing else:
 * refused before Hono's form parser, which answers a malformed multipart body with a 400
 * naming no field.
 */
export function urlEncodedOnly(what: string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const type = (c.req.header("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase();
    if (type !== "application/x-www-form-urlencoded") {
      throw new ProblemError("unsupportedMediaType", `Send ${what} as application/x-www-form-urlencoded`);
    }
    await next();
  };
}

/** Token answers must not be cached (RFC 6749 5.1). */
export const noStore: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  c.header("Cache-Control", "no-store");
  c.header("Pragma", "no-cache");
};
