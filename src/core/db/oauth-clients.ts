// The OAuth clients registered with this site's authorization server, in the global
// database (migrations/global/0030_oauth_clients.sql; docs/mcp.md, OAuth).

export type TokenEndpointAuthMethod = "none" | "client_secret_post" | "client_secret_basic";

export interface OAuthClient {
  clientId: string;
  clientName: string;
  redirectUris: string[];
  authMethod: TokenEndpointAuthMethod;
  /** Hex SHA-256 of a confidential client's secret; null for a public client. */
  secretHash: string | null;
  grantTypes: string[];
  createdAt: string;
}

interface OAuthClientRow {
  client_id: string;
  client_name: string;
  redirect_uris: string;
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  client_secret_hash: string | null;
  grant_types: string;
  created_at: string;
}

export async function insertOAuthClient(db: D1Database, client: OAuthClient): Promise<void> {
  await db
    .prepare(
      `INSERT INTO oauth_clients
         (client_id, client_name, redirect_uris, token_endpoint_auth_method, client_secret_hash, grant_types, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      client.clientId,
      client.clientName,
      JSON.stringify(client.redirectUris),
      client.authMethod,
      client.secretHash,
      JSON.stringify(client.grantTypes),
      client.createdAt,
    )
    .run();
}

export async function findOAuthClient(db: D1Database, clientId: string): Promise<OAuthClient | null> {
  const row = await db
    .prepare(
      `SELECT client_id, client_name, redirect_uris, token_endpoint_auth_method, client_secret_hash, grant_types, created_at
         FROM oauth_clients WHERE client_id = ?`,
    )
    .bind(clientId)
    .first<OAuthClientRow>();
  if (!row) return null;
  return {
    clientId: row.client_id,
    clientName: row.client_name,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    authMethod: row.token_endpoint_auth_method,
    secretHash: row.client_secret_hash,
    grantTypes: JSON.parse(row.grant_types) as string[],
    createdAt: row.created_at,
  };
}
