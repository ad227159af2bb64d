// Who must wait for a person's approval before a post goes out, and who may decide on it
// (docs/approvals.md). Pure rules: the TenantObject applies the first when a post is
// drafted (objects/publishing/approvals.ts), the approval routes the second
// (src/router/routes/post-approvals.ts).
//
// An agent is an API key made with kind "agent", or any credential used through the MCP
// server: a key is a person's or an integration's unless it says otherwise, so keys that
// published before approvals existed go on publishing. A key's requires_approval, or a
// credential holding draft:posts without publish, makes its posts wait whatever the
// tenant's setting. "Editors" are members (role member): owners and admins are the
// approvers, and viewers cannot post.

import type { Role } from "./permissions";
import type { UserPrincipal } from "./principal";

/** The tenant's settings.approvals.required_for: whose posts wait. */
export const APPROVAL_SETTINGS = ["none", "agents", "editors_and_agents"] as const;
export type ApprovalSetting = (typeof APPROVAL_SETTINGS)[number];
/** What a tenant that never set it gets: an agent's posts wait, a person's do not. */
export const DEFAULT_APPROVAL_SETTING: ApprovalSetting = "agents";

/** What an API key is (api_keys.kind, migration 0028). */
export const KEY_KINDS = ["standard", "agent"] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

/** Why a post waited (publish_requests.approval_reason). */
export const APPROVAL_REASONS = ["agent", "key", "editor"] as const;
export type ApprovalReason = (typeof APPROVAL_REASONS)[number];

/** Whoever drafts a post, as the rules see them. */
export interface Drafter {
  userId: string;
  role: Role;
  /** The API key it came with; null: a session. */
  keyId: string | null;
  /** An agent key, or a call through the MCP server. */
  agent: boolean;
  /** The key's requires_approval. */
  requiresApproval: boolean;
}

/** The setting from the tenant's settings JSON; anything unknown reads as the default. */
export function approvalSettingOf(settings: Record<string, unknown>): ApprovalSetting {
  const approvals = settings.approvals;
  const value =
    approvals && typeof approvals === "object" ? (approvals as Record<string, unknown>).required_for : undefined;
  return (APPROVAL_SETTINGS as readonly unknown[]).includes(value)
    ? (value as ApprovalSetting)
    : DEFAULT_APPROVAL_SETTING;
}

/**
 * The drafter a checked principal is; `viaMcp`: the request came through the MCP server.
 * A session is a person; a key is what it was made as; any other credential (a token an
 * MCP client was granted) is an agent.
 */
export function drafterOf(principal: UserPrincipal, viaMcp = false): Drafter {
  const credential: { kind: string; agent?: boolean; requiresApproval?: boolean } = principal.credential;
  const key = credential.kind === "api_key" ? credential : null;
  return {
    userId: principal.userId,
    role: principal.role,
    keyId: principal.keyId,
    agent: viaMcp || (key ? key.agent === true : credential.kind !== "session"),
    // A credential that may draft (draft:posts) but not publish: its posts always wait.
    requiresApproval: key?.requiresApproval === true || draftsOnly(principal.credential),
  };
}

/** A key or a client granted draft:posts without publish (src/core/auth/permissions.ts, posts.create). */
function draftsOnly(credential: { kind: string; scopes?: readonly string[] }): boolean {
  return credential.kind !== "session" && !(credential.scopes ?? []).includes("publish");
}

/** Why `drafter`'s post must wait under `setting`; null when it goes out as any post. */
export function approvalReason(setting: ApprovalSetting, drafter: Drafter): ApprovalReason | null {
  if (drafter.agent && setting !== "none") return "agent";
  if (drafter.requiresApproval) return "key";
  if (drafter.role === "member" && setting === "editors_and_agents") return "editor";
  return null;
}

/** A waiting post as the decision rule needs it. */
export interface WaitingPost {
  /** Its author (publish_requests.requested_by). */
  authorId: string | null;
  /** The key it was drafted with (null: a session). */
  draftedByKey: string | null;
  reason: ApprovalReason;
}

/**
 * Why `approver` may not approve or reject `post` (403), or null. The approver's role
 * and scope were checked by the route's permission (posts.approve). A person decides:
 * never an agent. Nobody decides on their own post: a post that waited because a member
 * drafted it (reason editor) is theirs under every credential they hold; a post that
 * waited for its drafter's key (an agent's, or one whose posts wait) is that key's, and
 * the member who owns the key may decide on it from a session or another key of theirs:
 * a person looking over what their delegate wrote is what approvals are for.
 */
export function decisionDenial(approver: Drafter, post: WaitingPost): { kind: "agent" | "own"; detail: string } | null {
  if (approver.agent) {
    return {
      kind: "agent",
      detail:
        "An agent cannot approve or reject posts: a person decides (sign in, or use an API key that is not an agent key)",
    };
  }
  // Drafted by a delegate (an agent, or a key whose posts wait): refused only to that key.
  const delegated = post.reason !== "editor";
  const own = delegated
    ? post.draftedByKey !== null && approver.keyId === post.draftedByKey
    : approver.userId === post.authorId;
  if (!own) return null;
  return {
    kind: "own",
    detail: delegated
      ? "The API key that drafted this post cannot decide on it: another approver, or the key's owner signed in, decides"
      : "You drafted this post: another approver decides on it",
  };
}
