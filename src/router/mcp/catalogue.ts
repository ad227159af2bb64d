// The MCP server's tools: each is one operation of the HTTP API (docs/mcp.md, Tools), named
// by its method and path. Its schemas come from that operation's entry in the API's
// OpenAPI document (./tool-schemas.ts), and a call is that operation, made inside the
// Worker with the caller's credential (./dispatch.ts). Here: what a model reads about each
// tool, its MCP annotations, and the fields its short answer names (./results.ts).
import type { ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import { PLATFORMS, type Platform } from "../../core/platforms/types";

export interface ToolSpec {
  name: string;
  title: string;
  /** For the model: what the tool does and when to use it (the operation's summary follows). */
  description: string;
  operation: { method: "get" | "post" | "delete"; path: string };
  annotations: ToolAnnotations;
  /** The fields of the answer (or of each item of a page) its first line names. */
  brief: readonly string[];
  /** What the answer is, in the first line: "post", "social account". */
  noun: string;
  /**
   * draft_post: `platform` may stand for `account_id`, naming the tenant's one active
   * account on it (./draft-account.ts): the platforms it may name.
   */
  accountByPlatform?: readonly Platform[];
}

/** Reads only the tenant's own data. */
const READS: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};

export const TOOLS: readonly ToolSpec[] = [
  {
    name: "list_accounts",
    title: "List social accounts",
    description:
      "The tenant's connected social accounts (LinkedIn, X, Facebook, Instagram): their ids, handles and status. A post is made on one of them (draft_post's account_id).",
    operation: { method: "get", path: "/v1/social-accounts" },
    annotations: READS,
    brief: ["id", "platform", "handle", "status"],
    noun: "social account",
  },
  {
    name: "draft_post",
    title: "Draft a post",
    description:
      "Creates a post on one of the tenant's accounts (account_id, or platform when the tenant has one active account there): its text, optional media (image_url or video_url), hashtags, campaign, and scheduled_at (a time, or \"best\" for the post configuration's next best time; absent: now). The answer is the post with its status: published, scheduled, or waiting for a person's approval when the tenant or the key requires one. A key without the right to publish cannot publish through it. Pass idempotency_key to make a retried call answer the first post instead of creating another.",
    operation: { method: "post", path: "/v1/posts" },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    brief: ["id", "platform", "status", "scheduled_at", "published_at", "platform_post_url"],
    noun: "post",
    accountByPlatform: PLATFORMS,
  },
  {
    name: "list_posts",
    title: "List posts",
    description:
      "The tenant's posts, newest first, optionally by status, account or platform; pages with limit and cursor (next_cursor).",
    operation: { method: "get", path: "/v1/posts" },
    annotations: READS,
    brief: ["id", "platform", "status", "scheduled_at", "published_at"],
    noun: "post",
  },
  {
    name: "get_post",
    title: "Get a post",
    description: "One post of the tenant by its id (post_...): its text, status, times and error if it failed.",
    operation: { method: "get", path: "/v1/posts/{id}" },
    annotations: READS,
    brief: ["id", "platform", "status", "scheduled_at", "published_at", "platform_post_url"],
    noun: "post",
  },
  {
    name: "cancel_post",
    title: "Cancel a post",
    description: "Cancels a scheduled or held post so it never goes out. A published post cannot be cancelled.",
    operation: { method: "delete", path: "/v1/posts/{id}" },
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    brief: ["id", "platform", "status"],
    noun: "post",
  },
  {
    name: "get_post_analytics",
    title: "Get a post's analytics",
    description:
      "A published post's figures, live: impressions, reach, likes, comments, shares, clicks, engagement rate, performance score (0 to 100) and whether its engagement is an anomaly.",
    operation: { method: "get", path: "/v1/posts/{id}/analytics" },
    annotations: READS,
    brief: ["post_id", "impressions", "engagement_rate", "performance_score", "anomaly_type"],
    noun: "post's figures",
  },
  {
    name: "top_posts",
    title: "Top posts",
    description:
      "The tenant's best posts of the last days (default 30), by their live performance score (0 to 100), best first; optionally of one platform.",
    operation: { method: "get", path: "/v1/analytics/top-posts" },
    annotations: READS,
    brief: ["post_id", "platform", "performance_score", "engagement_rate"],
    noun: "post",
  },
  {
    name: "anomalies",
    title: "Anomalous posts",
    description:
      "The tenant's posts of the last days (default 30) whose engagement rate is unusually high or low for their platform, newest first.",
    operation: { method: "get", path: "/v1/analytics/anomalies" },
    annotations: READS,
    brief: ["post_id", "platform", "anomaly_type", "engagement_rate"],
    noun: "post",
  },
  {
    name: "search_knowledge",
    title: "Search the knowledge base",
    description:
      "The tenant's knowledge entries (brand voice, products, messaging) nearest to a query embedding (vector: the tenant's embedding model's numbers), best first, optionally by entry_type or category. Use it to write in the brand's voice.",
    operation: { method: "post", path: "/v1/knowledge/search" },
    annotations: READS,
    brief: ["score", "entry.title", "entry.entry_type"],
    noun: "match",
  },
  {
    name: "get_brand_profile",
    title: "Get the brand profile",
    description:
      "The tenant's brand profile: palette, typography, logo rules, lexicon and messaging, so a draft follows the brand.",
    operation: { method: "get", path: "/v1/brand-profile" },
    annotations: READS,
    brief: ["palette", "updated_at"],
    noun: "brand profile",
  },
  {
    name: "list_templates",
    title: "List templates",
    description:
      "The tenant's post templates (structure, constraints, default copy), optionally by platform, type or status.",
    operation: { method: "get", path: "/v1/templates" },
    annotations: READS,
    brief: ["id", "name", "template_type", "platform", "status"],
    noun: "template",
  },
];

export function toolNamed(name: string): ToolSpec | undefined {
  return TOOLS.find((tool) => tool.name === name);
}
