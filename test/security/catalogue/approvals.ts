// The approval routes (docs/approvals.md), with who may call them. Each allowed call gets
// a post of its own, drafted by the tenant owner's agent key so it waits: an owner's or
// admin's session or (non-agent) key may decide on it.
import { publishBody } from "../../support/accounts";
import { call } from "../../support/http";
import type { RouteCase } from "../route-case";
import type { World } from "../world";
import { ADMINS, ALL, WRITERS } from "./identity";
import { publishingFixtures } from "./publishing";

interface AgentKeys {
  tenant: string;
  other: string;
}

const agentKeys = new WeakMap<World, Promise<AgentKeys>>();

async function agentKey(ownerKey: string): Promise<string> {
  const res = await call("/v1/api-keys", {
    token: ownerKey,
    body: { scopes: ["publish", "read:posts"], kind: "agent" },
  });
  if (res.status !== 201) throw new Error(`agent key: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { key: string }).key;
}

/** An agent key in each tenant of the world, made once. */
function agents(world: World): Promise<AgentKeys> {
  let made = agentKeys.get(world);
  if (!made) {
    made = (async () => ({
      tenant: await agentKey(world.tenant.ownerKey),
      other: await agentKey(world.other.ownerKey),
    }))();
    agentKeys.set(world, made);
  }
  return made;
}

/** A fresh post waiting for approval in the world's tenant (`other`: in the other tenant); its id. */
export async function pendingPost(world: World, other = false): Promise<string> {
  const fixtures = await publishingFixtures(world);
  const keys = await agents(world);
  const account = {
    id: other ? fixtures.otherAccount : fixtures.account,
    platform: "linkedin" as const,
    platformUserId: "",
  };
  const res = await call("/v1/posts", {
    token: other ? keys.other : keys.tenant,
    body: publishBody(account, { text: `Waiting ${crypto.randomUUID()}` }),
  });
  const post = (await res.json()) as { id: string; status: string };
  if (res.status !== 202 || post.status !== "pending_approval") {
    throw new Error(`expected a waiting post: ${res.status} ${JSON.stringify(post)}`);
  }
  return post.id;
}

export const APPROVAL_ROUTES: RouteCase[] = [
  {
    name: "POST /v1/posts/{id}/approve",
    method: "POST",
    path: async (world) => `/v1/posts/${await pendingPost(world)}/approve`,
    // Approved for tomorrow (202): nothing reaches the platform while the matrix runs.
    body: () => ({ scheduled_at: new Date(Date.now() + 86_400_000).toISOString() }),
    roles: ADMINS,
    scope: "approve:posts",
    mutation: true,
    ok: 202,
    invalid: { body: { scheduled_at: "tomorrow" }, field: "scheduled_at" },
    foreign: async (world) => `/v1/posts/${await pendingPost(world, true)}/approve`,
  },
  {
    name: "POST /v1/posts/{id}/reject",
    method: "POST",
    path: async (world) => `/v1/posts/${await pendingPost(world)}/reject`,
    body: { reason: "Not our tone of voice" },
    roles: ADMINS,
    scope: "approve:posts",
    mutation: true,
    ok: 200,
    invalid: { body: { reason: "" }, field: "reason" },
    foreign: async (world) => `/v1/posts/${await pendingPost(world, true)}/reject`,
  },
  {
    name: "PATCH /v1/posts/{id}",
    method: "PATCH",
    path: async (world) => `/v1/posts/${await pendingPost(world)}`,
    body: () => ({ text: `Edited ${crypto.randomUUID()}` }),
    roles: WRITERS,
    scope: "publish",
    mutation: true,
    ok: 200,
    invalid: { body: { text: "" }, field: "text" },
    foreign: async (world) => `/v1/posts/${await pendingPost(world, true)}`,
  },
  {
    name: "GET /v1/posts/{id}/revisions",
    method: "GET",
    path: async (world) => `/v1/posts/${await pendingPost(world)}/revisions`,
    roles: ALL,
    scope: "read:posts",
    mutation: false,
    ok: 200,
    invalid: { path: () => "/v1/posts/post_x/revisions", field: "id" },
    foreign: async (world) => `/v1/posts/${await pendingPost(world, true)}/revisions`,
  },
];
