// What the tenant's members granted OAuth clients (docs/mcp.md, OAuth): authorization
// codes, then grants holding one live access token and one refresh token each, kept as
// digests in this object's SQLite (object migration 29). The object is the one place
// every request of the tenant passes through, so a revoked grant (a deleted row) is
// refused on the very next request, wherever it arrives; and its storage is in the
// tenant's jurisdiction, as the sessions' is (objects/identity/sessions.ts).
//
// Each step hashes first and then reads and writes with no await between: two exchanges
// of one code, or two refreshes of one token, cannot both succeed.
import {
  ACCESS_TOKEN_TTL_MS,
  AUTHORIZATION_CODE_TTL_MS,
  digestOAuthSecret,
  newOAuthGrantId,
  newOAuthSecret,
  pkceMatches,
  REFRESH_TOKEN_TTL_MS,
} from "../../src/core/auth/oauth-tokens";
import type { Clock } from "../../src/core/clock";
import type {
  NewOAuthCode,
  OAuthCodeExchange,
  OAuthGrantView,
  OAuthRefresh,
  OAuthTokenOutcome,
} from "../tenant-object/contract";

/** Grants a member may hold at once; consenting beyond it ends their least recently used. */
export const MAX_GRANTS_PER_USER = 50;

type GrantRow = {
  grant_id: string;
  user_id: string;
  client_id: string;
  client_name: string;
  scopes: string;
  resource: string;
  created_at_ms: number;
  last_used_at_ms: number | null;
  refresh_expires_at_ms: number | null;
};

type CodeRow = {
  user_id: string;
  client_id: string;
  client_name: string;
  redirect_uri: string;
  code_challenge: string;
  scopes: string;
  resource: string;
  expires_at_ms: number;
};

const GRANT_COLUMNS =
  "grant_id, user_id, client_id, client_name, scopes, resource, created_at_ms, last_used_at_ms, refresh_expires_at_ms";

function view(row: GrantRow): OAuthGrantView {
  return {
    grantId: row.grant_id,
    userId: row.user_id,
    clientId: row.client_id,
    clientName: row.client_name,
    scopes: JSON.parse(row.scopes) as string[],
    resource: row.resource,
    createdAtMs: row.created_at_ms,
    lastUsedAtMs: row.last_used_at_ms,
    expiresAtMs: row.refresh_expires_at_ms,
  };
}

function refused(error: "invalid_grant" | "invalid_target" | "invalid_scope", description: string): OAuthTokenOutcome {
  return { ok: false, error, description };
}

export class OAuthGrants {
  constructor(
    private readonly sql: SqlStorage,
    private readonly tenantId: string,
    private readonly clock: Clock,
  ) {}

  /** A code for a member's consent; expired codes and grants are swept first. */
  issueCode(grant: NewOAuthCode, codeHash: string): { expiresAtMs: number } {
    const nowMs = this.clock();
    this.sql.exec("DELETE FROM oauth_codes WHERE expires_at_ms <= ?", nowMs);
    this.sql.exec("DELETE FROM oauth_grants WHERE refresh_expires_at_ms <= ?", nowMs);
    const expiresAtMs = nowMs + AUTHORIZATION_CODE_TTL_MS;
    this.sql.exec(
      `INSERT INTO oauth_codes
         (code_hash, user_id, client_id, client_name, redirect_uri, code_challenge, scopes, resource, expires_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      codeHash,
      grant.userId,
      grant.clientId,
      grant.clientName,
      grant.redirectUri,
      grant.codeChallenge,
      JSON.stringify(grant.scopes),
      grant.resource,
      expiresAtMs,
    );
    return { expiresAtMs };
  }

  /** A fresh code's secret: made here, so its digest is all that is stored. */
  async newCode(grant: NewOAuthCode): Promise<{ code: string; expiresAtMs: number }> {
    const code = newOAuthSecret("mcp_ac", this.tenantId);
    const { expiresAtMs } = this.issueCode(grant, await digestOAuthSecret(code));
    return { code, expiresAtMs };
  }

  /**
   * Exchanges a code (RFC 6749 4.1.3 with PKCE): spent whatever the outcome, so a code
   * is tried once. `isActive`: whether the member may still act (checked before a token).
   */
  async exchange(
    request: OAuthCodeExchange,
    isActive: (userId: string) => Promise<boolean>,
  ): Promise<OAuthTokenOutcome> {
    const codeHash = await digestOAuthSecret(request.code);
    const tokens = await this.#newTokens();
    const row = this.sql
      .exec<CodeRow>("DELETE FROM oauth_codes WHERE code_hash = ? RETURNING *", codeHash)
      .toArray()[0];
    if (!row || row.expires_at_ms <= this.clock()) return refused("invalid_grant", "unknown, used or expired code");
    if (row.client_id !== request.clientId) return refused("invalid_grant", "the code was issued to another client");
    if (row.redirect_uri !== request.redirectUri) {
      return refused("invalid_grant", "redirect_uri is not the one the code was issued for");
    }
    if (request.resource !== null && request.resource !== row.resource) {
      return refused("invalid_target", "resource is not the one the code was issued for");
    }
    if (!(await pkceMatches(request.codeVerifier, row.code_challenge))) {
      return refused("invalid_grant", "code_verifier does not match the code_challenge");
    }
    if (!(await isActive(row.user_id))) return refused("invalid_grant", "the member or tenant is no longer active");
    const nowMs = this.clock();
    // One grant per member and client: consenting again replaces the earlier one.
    this.sql.exec("DELETE FROM oauth_grants WHERE user_id = ? AND client_id = ?", row.user_id, row.client_id);
    const grantId = newOAuthGrantId();
    this.sql.exec(
      `INSERT INTO oauth_grants
         (grant_id, user_id, client_id, client_name, scopes, resource, created_at_ms, last_used_at_ms,
          access_hash, access_expires_at_ms, refresh_hash, previous_refresh_hash, refresh_expires_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, NULL, ?)`,
      grantId,
      row.user_id,
      row.client_id,
      row.client_name,
      row.scopes,
      row.resource,
      nowMs,
      tokens.accessHash,
      nowMs + ACCESS_TOKEN_TTL_MS,
      tokens.refreshHash,
      nowMs + REFRESH_TOKEN_TTL_MS,
    );
    this.#keepNewest(row.user_id);
    return this.#issued(tokens, grantId, row.user_id, JSON.parse(row.scopes) as string[]);
  }

  /**
   * Refreshes a grant (RFC 6749 section 6): a new access token and a new refresh token,
   * the old refresh token kept only to notice it presented again, which revokes the grant.
   */
  async refresh(request: OAuthRefresh, isActive: (userId: string) => Promise<boolean>): Promise<OAuthTokenOutcome> {
    const refreshHash = await digestOAuthSecret(request.refreshToken);
    const tokens = await this.#newTokens();
    const nowMs = this.clock();
    const reused = this.sql
      .exec<{ grant_id: string }>(
        "DELETE FROM oauth_grants WHERE previous_refresh_hash = ? RETURNING grant_id",
        refreshHash,
      )
      .toArray();
    if (reused.length > 0)
      return refused("invalid_grant", "a replaced refresh token was presented: the grant is revoked");
    const row = this.sql
      .exec<GrantRow>(
        `SELECT ${GRANT_COLUMNS} FROM oauth_grants WHERE refresh_hash = ? AND refresh_expires_at_ms > ?`,
        refreshHash,
        nowMs,
      )
      .toArray()[0];
    if (!row || row.client_id !== request.clientId)
      return refused("invalid_grant", "unknown, revoked or expired token");
    if (request.resource !== null && request.resource !== row.resource) {
      return refused("invalid_target", "resource is not the one the grant is for");
    }
    const held = JSON.parse(row.scopes) as string[];
    // A refresh may narrow the scopes, never widen them (RFC 6749 section 6).
    const scopes = request.scopes ?? held;
    if (scopes.some((scope) => !held.includes(scope))) return refused("invalid_scope", "more scopes than were granted");
    this.sql.exec(
      `UPDATE oauth_grants SET access_hash = ?, access_expires_at_ms = ?, previous_refresh_hash = refresh_hash,
         refresh_hash = ?, refresh_expires_at_ms = ?, scopes = ? WHERE grant_id = ?`,
      tokens.accessHash,
      nowMs + ACCESS_TOKEN_TTL_MS,
      tokens.refreshHash,
      nowMs + REFRESH_TOKEN_TTL_MS,
      JSON.stringify(scopes),
      row.grant_id,
    );
    // Checked after the rotation: a suspended member's client learns at once, and its
    // tokens are refused at use anyway (the principal's check).
    if (!(await isActive(row.user_id))) return refused("invalid_grant", "the member or tenant is no longer active");
    return this.#issued(tokens, row.grant_id, row.user_id, scopes);
  }

  /** The live grant an access token belongs to (by its digest), marked used; null if none. */
  byAccessHash(accessHash: string): OAuthGrantView | null {
    const nowMs = this.clock();
    const row = this.sql
      .exec<GrantRow>(
        `UPDATE oauth_grants SET last_used_at_ms = ?1 WHERE access_hash = ?2 AND access_expires_at_ms > ?1
         RETURNING ${GRANT_COLUMNS}`,
        nowMs,
        accessHash,
      )
      .toArray()[0];
    return row ? view(row) : null;
  }

  /**
   * A grant not revoked, by id: an MCP tool call's dispatch names it
   * (src/core/auth/mcp-dispatch.ts), minted once its access token was checked at /mcp.
   */
  byId(grantId: string): OAuthGrantView | null {
    const row = this.sql
      .exec<GrantRow>(`SELECT ${GRANT_COLUMNS} FROM oauth_grants WHERE grant_id = ?`, grantId)
      .toArray()[0];
    return row ? view(row) : null;
  }

  /** The member's grants, or every member's (`userId` null), newest first. */
  list(userId: string | null): OAuthGrantView[] {
    const rows =
      userId === null
        ? this.sql.exec<GrantRow>(`SELECT ${GRANT_COLUMNS} FROM oauth_grants ORDER BY created_at_ms DESC, grant_id`)
        : this.sql.exec<GrantRow>(
            `SELECT ${GRANT_COLUMNS} FROM oauth_grants WHERE user_id = ? ORDER BY created_at_ms DESC, grant_id`,
            userId,
          );
    return rows.toArray().map(view);
  }

  /** Revokes one grant (of `userId` only, unless null); what was revoked, or null. */
  revoke(grantId: string, userId: string | null): OAuthGrantView | null {
    const row = this.sql
      .exec<GrantRow>(
        `DELETE FROM oauth_grants WHERE grant_id = ?1 AND (?2 IS NULL OR user_id = ?2) RETURNING ${GRANT_COLUMNS}`,
        grantId,
        userId,
      )
      .toArray()[0];
    return row ? view(row) : null;
  }

  /** Revokes a member's grants and codes, or everyone's (access ended: forgetCredentials). */
  revokeAll(userId: string | null): number {
    if (userId === null) {
      this.sql.exec("DELETE FROM oauth_codes");
      return this.sql.exec("DELETE FROM oauth_grants RETURNING grant_id").toArray().length;
    }
    this.sql.exec("DELETE FROM oauth_codes WHERE user_id = ?", userId);
    return this.sql.exec("DELETE FROM oauth_grants WHERE user_id = ? RETURNING grant_id", userId).toArray().length;
  }

  async #newTokens(): Promise<{ access: string; refresh: string; accessHash: string; refreshHash: string }> {
    const access = newOAuthSecret("mcp_at", this.tenantId);
    const refresh = newOAuthSecret("mcp_rt", this.tenantId);
    return {
      access,
      refresh,
      accessHash: await digestOAuthSecret(access),
      refreshHash: await digestOAuthSecret(refresh),
    };
  }

  #issued(
    tokens: { access: string; refresh: string },
    grantId: string,
    userId: string,
    scopes: string[],
  ): OAuthTokenOutcome {
    return {
      ok: true,
      accessToken: tokens.access,
      refreshToken: tokens.refresh,
      expiresInSeconds: ACCESS_TOKEN_TTL_MS / 1000,
      scopes,
      grantId,
      userId,
    };
  }

  /** The member's newest MAX_GRANTS_PER_USER grants stay. */
  #keepNewest(userId: string): void {
    this.sql.exec(
      `DELETE FROM oauth_grants WHERE user_id = ?1 AND grant_id NOT IN (
         SELECT grant_id FROM oauth_grants WHERE user_id = ?1
          ORDER BY coalesce(last_used_at_ms, created_at_ms) DESC, grant_id LIMIT ?2)`,
      userId,
      MAX_GRANTS_PER_USER,
    );
  }
}
