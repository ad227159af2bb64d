// The publishing routes (README, "Publishing"), with who may call them.
import { connectAccount, publishBody } from "../../support/accounts";
import { call } from "../../support/http";
import type { RouteCase } from "../route-case";
import type { World } from "../world";
import { ADMINS, ALL, WRITERS } from "./identity";

interface Fixtures {
  account: string;
  post: string;
  otherAccount: string;
  otherPost: string;
}

const fixtures = new WeakMap<World, Promise<Fixtures>>();

async function make(world: World): Promise<Fixtures> {
  const account = await connectAccount(world.tenant.ownerKey, "linkedin");
  const other = await connectAccount(world.other.ownerKey, "linkedin");
  const post = (await (
    await call("/v1/posts", { token: world.tenant.ownerKey, body: publishBody(account) })
  ).json()) as { id: string };
  const otherPost = (await (
    await call("/v1/posts", { token: world.other.ownerKey, body: publishBody(other) })
  ).json()) as {
    id: string;
  };
  return { account: account.id, post: post.id, otherAccount: other.id, otherPost: otherPost.id };
}

/** A connected account and a published post in each tenant, made once per world. */
export function publishingFixtures(world: World): Promise<Fixtures> {
  let pending = fixtures.get(world);
  if (!pending) {
    pending = make(world);
    fixtures.set(world, pending);
  }
  return pending;
}

/** A post scheduled an hour ahead on `accountId`; its id. */
export async function scheduledPost(token: string, accountId: string): Promise<string> {
  const res = await call("/v1/posts", {
    token,
    body: { account_id: accountId, text: "Later", scheduled_at: new Date(Date.now() + 3_600_000).toISOString() },
  });
  return ((await res.json()) as { id: string }).id;
}

export const PUBLISHING_ROUTES: RouteCase[] = [
  {
    name: "POST /v1/social-accounts/{platform}/connect",
    method: "POST",
    path: () => "/v1/social-accounts/twitter/connect",
    body: {},
    roles: ADMINS,
    scope: "manage:accounts",
    mutation: true,
    ok: 201,
    invalid: { body: { return_to: "https://elsewhere.example/" }, field: "return_to" },
  },
  {
    name: "GET /v1/social-accounts",
    method: "GET",
    path: () => "/v1/social-accounts",
    roles: ALL,
    scope: "read:accounts",
    mutation: false,
    ok: 200,
    invalid: { path: () => "/v1/social-accounts?status=sleeping", field: "status" },
  },
  {
    name: "GET /v1/social-accounts/{id}",
    method: "GET",
    path: async (world) => `/v1/social-accounts/${(await publishingFixtures(world)).account}`,
    roles: ALL,
    scope: "read:accounts",
    mutation: false,
    ok: 200,
    invalid: { path: () => "/v1/social-accounts/acc_nope", field: "id" },
    foreign: async (world) => `/v1/social-accounts/${(await publishingFixtures(world)).otherAccount}`,
  },
  {
    name: "DELETE /v1/social-accounts/{id}",
    method: "DELETE",
    path: async (world) => `/v1/social-accounts/${(await connectAccount(world.tenant.ownerKey, "facebook")).id}`,
    roles: ADMINS,
    scope: "manage:accounts",
    mutation: true,
    ok: 200,
    invalid: { path: () => "/v1/social-accounts/42", field: "id" },
    foreign: async (world) => `/v1/social-accounts/${(await publishingFixtures(world)).otherAccount}`,
  },
  {
    name: "GET /v1/rate-limits",
    method: "GET",
    path: () => "/v1/rate-limits",
    roles: ALL,
    scope: "read:posts",
    mutation: false,
    ok: 200,
  },
  {
    name: "POST /v1/posts",
    method: "POST",
    path: () => "/v1/posts",
    body: async (world: World) => ({
      account_id: (await publishingFixtures(world)).account,
      text: `Matrix ${crypto.randomUUID()}`,
    }),
    roles: WRITERS,
    scope: "publish",
    mutation: true,
    ok: 201,
    invalid: { body: { account_id: "acc_1", text: "" }, field: "account_id" },
  },
  {
    name: "GET /v1/posts",
    method: "GET",
    path: () => "/v1/posts",
    roles: ALL,
    scope: "read:posts",
    mutation: false,
    ok: 200,
    invalid: { path: () => "/v1/posts?status=queued", field: "status" },
  },
  {
    name: "GET /v1/posts/{id}",
    method: "GET",
    path: async (world) => `/v1/posts/${(await publishingFixtures(world)).post}`,
    roles: ALL,
    scope: "read:posts",
    mutation: false,
    ok: 200,
    invalid: { path: () => "/v1/posts/post_x", field: "id" },
    foreign: async (world) => `/v1/posts/${(await publishingFixtures(world)).otherPost}`,
  },
  {
    name: "DELETE /v1/posts/{id}",
    method: "DELETE",
    path: async (world) =>
      `/v1/posts/${await scheduledPost(world.tenant.ownerKey, (await publishingFixtures(world)).account)}`,
    roles: WRITERS,
    scope: "publish",
    mutation: true,
    ok: 200,
    invalid: { path: () => "/v1/posts/x", field: "id" },
    foreign: async (world) =>
      `/v1/posts/${await scheduledPost(world.other.ownerKey, (await publishingFixtures(world)).otherAccount)}`,
  },
  {
    name: "POST /v1/posts/{id}/release",
    method: "POST",
    path: async (world) =>
      `/v1/posts/${await scheduledPost(world.tenant.ownerKey, (await publishingFixtures(world)).account)}/release`,
    body: () => ({ scheduled_at: new Date(Date.now() + 2 * 3_600_000).toISOString() }),
    roles: ADMINS,
    scope: "publish",
    mutation: true,
    // The post is scheduled, not held: an allowed caller is answered 409. Held posts are
    // released in test/publishing/held-posts.test.ts.
    ok: -1,
    invalid: { body: { scheduled_at: "tomorrow" }, field: "scheduled_at" },
    foreign: async (world) =>
      `/v1/posts/${await scheduledPost(world.other.ownerKey, (await publishingFixtures(world)).otherAccount)}/release`,
  },
];
