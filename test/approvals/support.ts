// Tenants where posts wait for approval (docs/approvals.md): a tenant made by the operator
// with its settings, a connected LinkedIn sandbox account, an agent key that drafts, and
// the calls the approval tests make, as a client would.
import { expect } from "vitest";
import { type ConnectedAccount, connectAccount, publishBody, sandbox, sandboxUserOf } from "../support/accounts";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { addUser, createKey, createTenant, login, type TestTenant } from "../support/tenants";

export interface Approval {
  state: string;
  reason: string;
  drafted_with_key: string | null;
  decided_by: string | null;
  decided_at: string | null;
  rejection_reason: string | null;
}

export interface Post {
  id: string;
  status: string;
  text: string;
  hashtags: string[];
  scheduled_at: string | null;
  requested_by: string | null;
  platform_post_id: string | null;
  approval: Approval | null;
}

export interface Problem {
  type: string;
  status: number;
  detail: string;
  errors?: { field: string }[];
}

export interface Revision {
  id: string;
  type: string;
  edited_by: string | null;
  classification: string | null;
  note: string | null;
  changed: string[];
  version: { text: string; hashtags: string[]; scheduled_at: string | null; image_url: string | null };
  created_at: string;
}

export interface ApprovalTenant {
  tenant: TestTenant;
  /** The owner signed in: a person, who may approve what the agent drafts. */
  ownerSession: string;
  account: ConnectedAccount;
  /** An agent key of the owner's (publish, read:posts): its posts wait under "agents". */
  agentKey: string;
  agentKeyId: string;
}

/** A tenant with `settings` (approvals.required_for, quotas, windows), a LinkedIn account and an agent key. */
export async function approvalTenant(settings: Record<string, unknown> = {}): Promise<ApprovalTenant> {
  const tenant = await createTenant({ settings });
  const ownerSession = await login(tenant.tenantId, tenant.ownerEmail);
  const account = await connectAccount(tenant.ownerKey, "linkedin");
  const agent = await createKey(ownerSession, {
    scopes: ["publish", "read:posts"],
    kind: "agent",
    rate_limit_per_hour: 100_000,
  });
  return { tenant, ownerSession, account, agentKey: agent.key, agentKeyId: agent.id };
}

/** A member of the tenant with `role`, signed in, with a key of their own (`keyBody` adds to it). */
export async function member(
  t: ApprovalTenant,
  role: "admin" | "member",
  keyBody: Record<string, unknown> = {},
): Promise<{ userId: string; session: string; key: string; keyId: string }> {
  const user = await addUser(t.tenant, role);
  const session = await login(t.tenant.tenantId, user.email);
  const scopes = role === "admin" ? ["publish", "read:posts", "approve:posts"] : ["publish", "read:posts"];
  const key = await createKey(session, { scopes, rate_limit_per_hour: 100_000, ...keyBody });
  return { userId: user.userId, session, key: key.key, keyId: key.id };
}

/** A viewer of the tenant, signed in (a viewer makes no keys). */
export async function viewer(t: ApprovalTenant): Promise<{ userId: string; session: string }> {
  const user = await addUser(t.tenant, "viewer");
  return { userId: user.userId, session: await login(t.tenant.tenantId, user.email) };
}

/** POST /v1/posts on the tenant's account. */
export function draft(t: ApprovalTenant, token: string, extra: Record<string, unknown> = {}): Promise<Response> {
  return call("/v1/posts", { token, body: publishBody(t.account, { text: `Draft ${crypto.randomUUID()}`, ...extra }) });
}

/** A post drafted with `token` that waits: its view. */
export async function waitingPost(t: ApprovalTenant, token = t.agentKey, extra: Record<string, unknown> = {}) {
  const res = await draft(t, token, extra);
  expect(res.status, await res.clone().text()).toBe(202);
  const post = await json<Post>(res);
  expect(post.status).toBe("pending_approval");
  return post;
}

export function approve(token: string, id: string, body?: Record<string, unknown>): Promise<Response> {
  return call(`/v1/posts/${id}/approve`, { method: "POST", token, ...(body ? { body } : {}) });
}

export function reject(token: string, id: string, reason: string): Promise<Response> {
  return call(`/v1/posts/${id}/reject`, { token, body: { reason } });
}

export function edit(token: string, id: string, body: Record<string, unknown>): Promise<Response> {
  return call(`/v1/posts/${id}`, { method: "PATCH", token, body });
}

export async function readPost(token: string, id: string): Promise<Post> {
  const res = await call(`/v1/posts/${id}`, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<Post>(res);
}

export async function revisions(token: string, id: string): Promise<Revision[]> {
  const res = await call(`/v1/posts/${id}/revisions?limit=100`, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await json<{ data: Revision[] }>(res)).data;
}

/** Expects a problem+json answer of `status` and `type`; the problem. */
export async function expectProblem(res: Response, status: number, type: string, label = ""): Promise<Problem> {
  expect(res.status, `${label} ${await res.clone().text()}`).toBe(status);
  expect(res.headers.get("Content-Type"), label).toBe("application/problem+json");
  const problem = await json<Problem>(res);
  expect(problem.type, label).toBe(type);
  return problem;
}

/** The texts the sandbox platform received from the tenant's account. */
export async function sentTexts(t: ApprovalTenant): Promise<string[]> {
  return (await sandbox("linkedin").posts(sandboxUserOf(t.account))).map((post) => post.text);
}

/** Sets the tenant's approvals.required_for as its owner (PATCH /v1/tenant replaces the settings). */
export async function requireFor(t: ApprovalTenant, setting: string): Promise<void> {
  const res = await call("/v1/tenant", {
    method: "PATCH",
    token: t.ownerSession,
    body: { settings: { approvals: { required_for: setting } } },
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

export interface AuditRow {
  user_id: string | null;
  action: string;
  success: number;
  metadata: string | null;
}

/** The post's audit rows of `action`, oldest first. */
export async function auditOf(tenantId: string, postId: string, action: string): Promise<AuditRow[]> {
  const { results } = await (await tenantDb(tenantId))
    .prepare(
      `SELECT user_id, action, success, metadata FROM audit_logs
       WHERE tenant_id = ? AND resource_type = 'post' AND resource_id = ? AND action = ? ORDER BY timestamp, log_id`,
    )
    .bind(tenantId, postId, action)
    .all<AuditRow>();
  return results;
}
