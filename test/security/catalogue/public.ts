// The operations no tenant credential calls (README, "Identity and access"): the
// health check, sign-in, a password reset's redemption, and the OAuth start (and its
// consent form) and callback, whose single-use state, bound to the browser that opened
// it, is the credential. Described as the matrix describes a route (a valid call), for
// the fuzzer and the coverage check; the security matrix walks the tenant routes.
import { call } from "../../support/http";
import { addUser, PASSWORD } from "../../support/tenants";
import type { RouteCase } from "../route-case";
import type { World } from "../world";

/** A route outside the role matrix: no tenant role calls it, so it has none. */
export function unmatrixed(route: Omit<RouteCase, "roles" | "scope" | "mutation" | "ok">): RouteCase {
  return { roles: [], scope: "", mutation: route.method !== "GET", ok: 200, ...route };
}

/** A reset link for a new member of the world's tenant, issued by its owner. */
async function resetToken(world: World): Promise<string> {
  const member = await addUser(world.tenant, "member");
  const res = await call(`/v1/users/${member.userId}/password-reset`, {
    method: "POST",
    token: world.actors.owner.session,
  });
  if (res.status !== 201) throw new Error(`reset link not issued: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

export const PUBLIC_ROUTES: RouteCase[] = [
  unmatrixed({ name: "GET /v1/health", method: "GET", path: () => "/v1/health" }),
  // Its Stripe-Signature header is the credential (src/router/routes/stripe-webhook.ts): an
  // event sent without one is refused (400 webhook-signature) and applies nothing.
  unmatrixed({
    name: "POST /v1/billing/stripe/webhook",
    method: "POST",
    path: () => "/v1/billing/stripe/webhook",
    body: () => ({
      id: `evt_${crypto.randomUUID().replaceAll("-", "")}`,
      object: "event",
      type: "invoice.paid",
      created: 1767225600,
      data: { object: { object: "invoice", customer: "cus_unknown" } },
    }),
  }),
  unmatrixed({
    name: "POST /v1/auth/login",
    method: "POST",
    path: () => "/v1/auth/login",
    body: (world: World) => ({ tenant_id: world.tenant.tenantId, email: world.tenant.ownerEmail, password: PASSWORD }),
  }),
  // The reset token is the credential (src/router/routes/password-reset.ts). A live reset link
  // of a fresh member each time: a valid call spends it.
  unmatrixed({
    name: "POST /v1/auth/password-reset",
    method: "POST",
    path: () => "/v1/auth/password-reset",
    body: async (world: World) => ({ token: await resetToken(world), new_password: "a long enough password" }),
  }),
  // Its single-use state is the credential; an unknown one is refused.
  unmatrixed({
    name: "GET /v1/oauth/{platform}/start",
    method: "GET",
    path: () => "/v1/oauth/linkedin/start?state=unknown-state",
  }),
  // The consent page's form (URL-encoded): without the browser's cookie it is refused.
  unmatrixed({
    name: "POST /v1/oauth/{platform}/start",
    method: "POST",
    path: () => "/v1/oauth/linkedin/start",
    body: () => ({ state: "unknown-state", token: "A".repeat(43) }),
  }),
  // The owner's e-mail and password are the credential (src/router/routes/tenant-restore.ts);
  // the world's tenant is active, so even a valid call restores nothing (401).
  unmatrixed({
    name: "POST /v1/tenant/restore",
    method: "POST",
    path: () => "/v1/tenant/restore",
    body: (world: World) => ({ tenant_id: world.tenant.tenantId, email: world.tenant.ownerEmail, password: PASSWORD }),
  }),
  unmatrixed({
    name: "GET /v1/oauth/{platform}/callback",
    method: "GET",
    path: () => "/v1/oauth/linkedin/callback?state=unknown-state&code=some-code",
  }),
];
