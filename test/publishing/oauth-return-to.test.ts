// return_to (ARCHITECTURE.md, Bounded inputs): only a path on this site, judged on its normalised
// form, at connect and again at the callback. "/.//evil.example/x" once came back as
// `Location: //evil.example/x`, an open redirect.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { completeInBrowser, sandboxUser } from "../support/accounts";
import { TestBrowser } from "../support/browser";
import { call, json } from "../support/http";
import { tenantObjectOf } from "../support/objects";
import { createTenant } from "../support/tenants";

const OFF_SITE = [
  "/.//evil.example/x",
  "//evil.example/x",
  "/\\evil.example/x",
  "/\\/evil.example/x",
  "/%2e%2e//evil.example/x",
  "/a/../..//evil.example/x",
  "/%2F%2Fevil.example/x",
  "/%5Cevil.example/x",
  "/\t/evil.example/x",
  "/\n/evil.example",
  "https://evil.example/x",
  "evil.example/x",
];

describe("return_to", () => {
  it.each(OFF_SITE)("refuses %j at connect (400 naming return_to, no state kept)", async (returnTo) => {
    const tenant = await createTenant();
    const res = await call("/v1/social-accounts/linkedin/connect", {
      token: tenant.ownerKey,
      body: { return_to: returnTo },
    });
    expect(res.status, await res.clone().text()).toBe(400);
    expect((await json<{ errors: { field: string }[] }>(res)).errors.map((e) => e.field)).toEqual(["return_to"]);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it("sends the browser to the normalised same-site path", async () => {
    const tenant = await createTenant();
    const { authorize_url } = await json<{ authorize_url: string }>(
      await call("/v1/social-accounts/linkedin/connect", {
        token: tenant.ownerKey,
        body: { return_to: "/dash/./x/../accounts?tab=1#top", login_hint: sandboxUser("rt") },
      }),
    );
    const landed = await completeInBrowser(new TestBrowser(), authorize_url);
    expect(landed.status).toBe(303);
    expect(landed.headers.get("Location")).toMatch(/^\/dash\/accounts\?tab=1&connected=acc_[0-9A-Z]{26}#top$/);
  });

  it("is checked again at the callback: a stored off-site value is not followed", async () => {
    const tenant = await createTenant();
    const { authorize_url, state } = await json<{ authorize_url: string; state: string }>(
      await call("/v1/social-accounts/linkedin/connect", {
        token: tenant.ownerKey,
        body: { return_to: "/accounts", login_hint: sandboxUser("rt") },
      }),
    );
    // As a state stored before the check was tightened could hold.
    await runInDurableObject(tenantObjectOf(tenant.tenantId), (_o: TenantObject, storage) => {
      storage.storage.sql.exec("UPDATE oauth_states SET return_to = '/.//evil.example/x' WHERE state = ?", state);
    });
    const landed = await completeInBrowser(new TestBrowser(), authorize_url);
    expect(landed.status, await landed.clone().text()).toBe(201);
    expect(landed.headers.get("Location")).toBeNull();
  });
});
