// Revoking a grant (a tenant's erasure: docs/privacy.md), as each platform documents it,
// from both sides (exchange.ts): X's POST /2/oauth2/revoke (docs.x.com "OAuth 2.0
// Authorization Code Flow with PKCE", RFC 7009), Graph's DELETE /{user-id}/permissions
// (Graph API reference, "User permissions") for Facebook and Instagram, and LinkedIn's
// absence of any revocation for apps.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { platformAdapter } from "../../src/core/platforms";
import { PlatformError } from "../../src/core/platforms/errors";
import { FacebookAdapter } from "../../src/core/platforms/facebook";
import { InstagramAdapter } from "../../src/core/platforms/instagram";
import { LinkedInAdapter } from "../../src/core/platforms/linkedin";
import { XAdapter } from "../../src/core/platforms/x";
import { sandbox } from "../support/accounts";
import { ORIGIN } from "../support/http";
import { recordingConfig, sandboxGrant } from "./exchange";

const GRANT = { accessToken: "access-tok", refreshToken: "refresh-tok", platformUserId: "u1" };

describe("revoking a grant", () => {
  it("X: the refresh token, then the access token, each a form POST with the app's Basic credentials", async () => {
    const { config, requests } = recordingConfig("twitter", () => Response.json({ revoked: true }));
    expect(await new XAdapter(config).revoke(GRANT)).toBe("revoked");
    expect(requests.map((r) => [r.method, r.url])).toEqual([
      ["POST", "https://api.x.com/2/oauth2/revoke"],
      ["POST", "https://api.x.com/2/oauth2/revoke"],
    ]);
    const forms = await Promise.all(requests.map(async (r) => Object.fromEntries(new URLSearchParams(await r.text()))));
    expect(forms).toEqual([
      { token: "refresh-tok", token_type_hint: "refresh_token", client_id: "app-id" },
      { token: "access-tok", token_type_hint: "access_token", client_id: "app-id" },
    ]);
    for (const request of requests) {
      expect(request.headers.get("Authorization")).toBe(`Basic ${btoa("app-id:app-secret")}`);
      expect(request.headers.get("Content-Type")).toBe("application/x-www-form-urlencoded");
    }
  });

  it("X: a refusal is a PlatformError the erasure records", async () => {
    const { config } = recordingConfig("twitter", () =>
      Response.json({ error: "unauthorized_client" }, { status: 401 }),
    );
    const refused = await new XAdapter(config).revoke(GRANT).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PlatformError);
    expect(refused).toMatchObject({ kind: "rejected", details: { status: 401 } });
  });

  it("Facebook: DELETE /me/permissions with the stored user token; Instagram: with its token at its Graph host", async () => {
    const facebook = recordingConfig("facebook", () => Response.json({ success: true }));
    expect(await new FacebookAdapter(facebook.config).revoke(GRANT)).toBe("revoked");
    const [fb] = facebook.requests;
    expect(fb?.method).toBe("DELETE");
    expect(fb?.url).toBe("https://graph.facebook.com/v24.0/me/permissions?access_token=refresh-tok");
    const instagram = recordingConfig("instagram", () => Response.json({ success: true }));
    expect(await new InstagramAdapter(instagram.config).revoke(GRANT)).toBe("revoked");
    const [ig] = instagram.requests;
    expect(ig?.method).toBe("DELETE");
    expect(ig?.url).toBe("https://graph.instagram.com/v24.0/me/permissions?access_token=access-tok");
  });

  it("Graph: a dead token's refusal (code 190) is an auth error, counted as a token no longer accepted", async () => {
    const { config } = recordingConfig("facebook", () =>
      Response.json(
        { error: { message: "Invalid OAuth access token.", type: "OAuthException", code: 190 } },
        { status: 400 },
      ),
    );
    await expect(new FacebookAdapter(config).revoke(GRANT)).rejects.toMatchObject({ kind: "auth" });
  });

  it("LinkedIn: no revocation to ask for, and nothing is sent", async () => {
    const { config, requests } = recordingConfig("linkedin", () => new Response(null, { status: 500 }));
    expect(await new LinkedInAdapter(config).revoke()).toBe("unsupported");
    expect(requests).toEqual([]);
  });

  it.each(["twitter", "facebook", "instagram"] as const)(
    "%s's sandbox takes the adapter's revocation: no token of the grant works afterwards",
    async (platform) => {
      const grant = await sandboxGrant(platform);
      expect(await sandbox(platform).liveTokens(grant.user)).toBeGreaterThan(0);
      const adapter = platformAdapter(env, platform, ORIGIN);
      expect(
        await adapter.revoke({
          accessToken: grant.tokens.accessToken,
          refreshToken: grant.tokens.refreshToken,
          platformUserId: grant.platformUserId,
        }),
      ).toBe("revoked");
      expect(await sandbox(platform).liveTokens(grant.user)).toBe(0);
      expect((await sandbox(platform).counters(grant.user)).revoke, "counted per user").toBeGreaterThan(0);
    },
  );

  it("the sandbox's fault switch makes a revocation fail, once", async () => {
    const grant = await sandboxGrant("facebook");
    await sandbox("facebook").addFault({ kind: "error_500", endpoint: "revoke", user_id: grant.user });
    const adapter = platformAdapter(env, "facebook", ORIGIN);
    const credential = {
      accessToken: grant.tokens.accessToken,
      refreshToken: grant.tokens.refreshToken,
      platformUserId: grant.platformUserId,
    };
    await expect(adapter.revoke(credential)).rejects.toMatchObject({ kind: "unavailable" });
    expect(await sandbox("facebook").liveTokens(grant.user)).toBeGreaterThan(0);
    expect(await adapter.revoke(credential)).toBe("revoked");
    expect(await sandbox("facebook").liveTokens(grant.user)).toBe(0);
  });
});
