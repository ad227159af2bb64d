// /me/accounts is paged (reference/user/accounts; Graph API "Paginated Results":
// cursor-based paging, paging.cursors.after, and paging.next only while there is more).
// The adapter reads every page (100 Pages a page, at most 20 pages), so a user with many
// Pages is not told a Page is no longer granted; a refresh stops at the page that has
// its Page; a Page missing from a list that could not be read to its end is not
// revoked. The sandbox pages a user's Pages the same way.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { platformAdapter } from "../../src/core/platforms";
import { ACCOUNTS_MAX_PAGES, ACCOUNTS_PAGE_SIZE, FacebookAdapter } from "../../src/core/platforms/facebook";
import { GRAPH_VERSION } from "../../src/core/platforms/graph";
import { pageIdOf } from "../../src/core/sandbox/facebook";
import { sandbox, sandboxUser } from "../support/accounts";
import { ORIGIN } from "../support/http";
import { approveAtSandbox, objectOpener } from "../support/sandbox-sign-in";
import { sandboxFetch } from "./exchange";
import { clockedConfig, platformErrorOf } from "./meta-support";

const page = (n: number) => ({ id: `${1000 + n}`, name: `Page ${n}`, access_token: `ptok${n}` });

/**
 * Graph's answers for a user of `total` Pages, `size` a page: the exchanges of a
 * connect or refresh, then /me/accounts pages cut by the `after` cursor.
 */
function accountsExchange(total: number, options: { size?: number; dropCursor?: boolean } = {}) {
  const size = options.size ?? ACCOUNTS_PAGE_SIZE;
  return clockedConfig("facebook", (request) => {
    const url = new URL(request.url);
    if (url.pathname.endsWith("/oauth/access_token")) {
      return Response.json({ access_token: "long-user-token", token_type: "bearer", expires_in: 5_184_000 });
    }
    const start = Number(url.searchParams.get("after")?.slice(1) ?? 0);
    const end = Math.min(total, start + size);
    const paging: Record<string, unknown> = {
      cursors: { before: `c${start}`, ...(options.dropCursor ? {} : { after: `c${end}` }) },
    };
    if (end < total) paging.next = `https://graph.facebook.com/${GRAPH_VERSION}/me/accounts?after=c${end}`;
    return Response.json({ data: Array.from({ length: end - start }, (_, i) => page(start + i)), paging });
  });
}

const accountsReads = (requests: Request[]) =>
  requests.map((request) => new URL(request.url)).filter((url) => url.pathname.endsWith("/me/accounts"));

describe("/me/accounts, paged (adapter)", () => {
  it("connect reads every page: 230 Pages in three reads of 100, each with the cursor before it", async () => {
    const { config, requests } = accountsExchange(230);
    const identities = await new FacebookAdapter(config).connect("code", "https://app.test/cb");
    expect(identities.map((identity) => identity.platformUserId)).toEqual(
      Array.from({ length: 230 }, (_, n) => page(n).id),
    );
    const reads = accountsReads(requests);
    expect(reads.map((url) => url.searchParams.get("after"))).toEqual([null, "c100", "c200"]);
    expect(reads.every((url) => url.searchParams.get("limit") === String(ACCOUNTS_PAGE_SIZE))).toBe(true);
  });

  it("refresh finds a Page on the second page and stops there", async () => {
    const { config, requests } = accountsExchange(230);
    const tokens = await new FacebookAdapter(config).refresh({
      refreshToken: "user-token",
      accessToken: "old",
      platformUserId: page(150).id,
    });
    expect(tokens.accessToken).toBe("ptok150");
    expect(accountsReads(requests)).toHaveLength(2);
  });

  it("a Page absent from the whole list is no longer granted (invalid_grant)", async () => {
    const { config } = accountsExchange(230);
    const error = await platformErrorOf(
      new FacebookAdapter(config).refresh({ refreshToken: "user-token", accessToken: "old", platformUserId: "42" }),
    );
    expect(error.kind).toBe("invalid_grant");
  });

  it("a list longer than the pages read is not read to its end: the Page is not revoked", async () => {
    const { config, requests } = accountsExchange(ACCOUNTS_MAX_PAGES * ACCOUNTS_PAGE_SIZE + 1);
    const error = await platformErrorOf(
      new FacebookAdapter(config).refresh({
        refreshToken: "user-token",
        accessToken: "old",
        platformUserId: page(ACCOUNTS_MAX_PAGES * ACCOUNTS_PAGE_SIZE).id,
      }),
    );
    expect(error.kind).toBe("unavailable");
    expect(accountsReads(requests)).toHaveLength(ACCOUNTS_MAX_PAGES);
  });

  it("a next page without a cursor is not followed, and not read as the end of the list", async () => {
    const { config, requests } = accountsExchange(230, { dropCursor: true });
    const error = await platformErrorOf(
      new FacebookAdapter(config).refresh({
        refreshToken: "user-token",
        accessToken: "old",
        platformUserId: page(150).id,
      }),
    );
    expect(error.kind).toBe("unavailable");
    expect(accountsReads(requests)).toHaveLength(1);
  });
});

describe("/me/accounts, paged (sandbox)", () => {
  it("pages a user's 130 Pages by cursor: 25 a page by default, up to 100, next only while there is more", async () => {
    const user = sandboxUser("fb");
    await sandbox("facebook").createUser(user, { pages: 130 });
    const grant = await grantOf(user);
    const read = async (params: Record<string, string>) => {
      const res = await sandboxFetch(
        "facebook",
        `/${GRAPH_VERSION}/me/accounts?${new URLSearchParams({ ...params, access_token: grant.userToken })}`,
      );
      expect(res.status).toBe(200);
      return (await res.json()) as {
        data: { id: string; access_token: string }[];
        paging: { cursors: { after: string }; next?: string };
      };
    };
    const first = await read({});
    expect(first.data).toHaveLength(25);
    expect(first.paging.next).toBeTruthy();
    const seen: string[] = [];
    let after: string | null = null;
    for (let reads = 0; reads < 10; reads++) {
      const body = await read({ limit: "100", ...(after ? { after } : {}) });
      expect(body.data.length, `read ${reads}`).toBeLessThanOrEqual(100);
      seen.push(...body.data.map((p) => p.id));
      if (!body.paging.next) break;
      after = body.paging.cursors.after;
    }
    expect(seen).toEqual(Array.from({ length: 130 }, (_, n) => pageIdOf(user, n)));
    expect(new Set(seen).size).toBe(130);
  });

  it("the adapter connects all 130 Pages, and refreshes the 120th", async () => {
    const user = sandboxUser("fb");
    await sandbox("facebook").createUser(user, { pages: 130 });
    const grant = await grantOf(user);
    expect(grant.identities).toHaveLength(130);
    const tokens = await platformAdapter(env, "facebook", ORIGIN).refresh({
      refreshToken: grant.userToken,
      accessToken: "unused",
      platformUserId: pageIdOf(user, 119),
    });
    expect(tokens.accessToken).toMatch(/^sbx_access_/);
  });
});

/** The sandbox's authorize page and the adapter's code exchange, for `user`. */
async function grantOf(user: string) {
  const adapter = platformAdapter(env, "facebook", ORIGIN);
  const redirectUri = `${ORIGIN}/v1/oauth/facebook/callback`;
  const url = new URL(adapter.authorizeUrl({ state: "s", redirectUri, codeChallenge: null }));
  url.searchParams.set("login_hint", user);
  const approved = await approveAtSandbox(objectOpener(sandbox("facebook")), url);
  const code = new URL(approved.headers.get("Location") ?? "https://none.invalid").searchParams.get("code") ?? "";
  const identities = await adapter.connect(code, redirectUri, null);
  return { identities, userToken: identities[0]?.tokens.refreshToken ?? "" };
}
