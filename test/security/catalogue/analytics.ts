// The live analytics routes (README, "Live analytics"), with who may call them.
import type { RouteCase } from "../route-case";
import type { World } from "../world";
import { ALL, WRITERS } from "./identity";
import { publishingFixtures } from "./publishing";

async function likesFor(world: World): Promise<unknown> {
  const { post } = await publishingFixtures(world);
  return { events: [{ post_id: post, type: "delta", metrics: { likes: 1 } }] };
}

export const ANALYTICS_ROUTES: RouteCase[] = [
  {
    name: "POST /v1/analytics/events",
    method: "POST",
    path: () => "/v1/analytics/events",
    body: likesFor,
    roles: WRITERS,
    scope: "write:analytics",
    mutation: true,
    ok: 200,
    invalid: { body: { events: [{ post_id: "post_x", type: "delta", metrics: {} }] }, field: "events.0.post_id" },
  },
  {
    name: "GET /v1/posts/{id}/analytics",
    method: "GET",
    path: async (world) => `/v1/posts/${(await publishingFixtures(world)).post}/analytics`,
    roles: ALL,
    scope: "read:analytics",
    mutation: false,
    ok: 200,
    invalid: { path: () => "/v1/posts/nope/analytics", field: "id" },
    foreign: async (world) => `/v1/posts/${(await publishingFixtures(world)).otherPost}/analytics`,
  },
  {
    name: "POST /v1/live/ticket",
    method: "POST",
    path: () => "/v1/live/ticket",
    roles: ALL,
    scope: "read:analytics",
    mutation: false,
    ok: 201,
  },
];
