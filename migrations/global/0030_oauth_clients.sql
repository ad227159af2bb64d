-- Migration 0030 (global): the OAuth clients that registered with this site's
-- authorization server (docs/mcp.md, OAuth; RFC 7591 dynamic client registration).
--
-- Global, not a tenant's: a client registers before any member has signed in, and one
-- client (an MCP host) serves members of many tenants. What a member grants it lives in
-- that member's tenant's object (objects/identity/oauth-grants.ts), never here.
-- * redirect_uris: a JSON array of the exact URIs registered (https, or http to the
--   machine itself for a native client: src/core/auth/oauth-rules.ts).
-- * client_secret_hash: hex SHA-256 of a confidential client's secret, shown once at
--   registration; NULL for a public client (token_endpoint_auth_method 'none'), which
--   proves itself with PKCE alone.

CREATE TABLE oauth_clients (
  client_id TEXT PRIMARY KEY NOT NULL CHECK (client_id GLOB 'ocl_*'),
  client_name TEXT NOT NULL CHECK (length(client_name) BETWEEN 1 AND 100),
  redirect_uris JSON NOT NULL CHECK (json_valid(redirect_uris) AND json_type(redirect_uris) = 'array'),
  token_endpoint_auth_method TEXT NOT NULL
    CHECK (token_endpoint_auth_method IN ('none', 'client_secret_post', 'client_secret_basic')),
  client_secret_hash TEXT CHECK ((client_secret_hash IS NULL) = (token_endpoint_auth_method = 'none')),
  grant_types JSON NOT NULL CHECK (json_valid(grant_types) AND json_type(grant_types) = 'array'),
  created_at TIMESTAMP NOT NULL
);
