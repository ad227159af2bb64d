// Cancelling a scheduled or held post, or withdrawing one that waits for approval
// (objects/publishing/approvals.ts): the tenant's own DELETE /v1/posts/{id} and the
// operator's POST /v1/admin/tenants/{id}/posts/{post_id}/cancel (which works while the
// tenant is stopped). The post leaves the TenantObject's schedule, which writes its
// record and the audit row (objects/publishing/scheduler.ts).
import type { AuditActor } from "../../core/db/audit-logs";
import { getPublishRequest, type PostView } from "../../core/db/publish-requests";
import type { TenantScope } from "../../core/db/tenant-scope";
import { retryOnReset, type TenantObjectClient } from "../objects";
import { ProblemError } from "./problem";

/** Cancels the tenant's post `id`: 404 when the tenant has no such post, 409 when it is neither scheduled nor held. */
export async function cancelPost(
  scope: TenantScope,
  object: TenantObjectClient,
  id: string,
  actor: AuditActor,
): Promise<PostView> {
  const row = await getPublishRequest(scope, id);
  if (!row) throw new ProblemError("notFound", "No such post");
  const cancelled = await retryOnReset(object, "cancelScheduled", id, actor);
  if (!cancelled) {
    throw new ProblemError(
      "conflict",
      `Only a scheduled or held post, or one waiting for approval, can be cancelled; this one is ${row.status}`,
    );
  }
  return cancelled;
}
