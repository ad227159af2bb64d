// Whether a post may name a piece of generated content: it must be the tenant's own.
import type { TenantScope } from "./tenant-scope";

export async function contentExists(scope: TenantScope, contentId: string): Promise<boolean> {
  const row = await scope.db
    .prepare("SELECT 1 AS found FROM generated_content WHERE tenant_id = ? AND content_id = ?")
    .bind(scope.tenantId, contentId)
    .first();
  return row !== null;
}
