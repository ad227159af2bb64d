// The brand-voice index (src/core/vector/indexes.ts): one vector per tenant, under the tenant's id and
// in the tenant's own namespace, so a query can only ever be scoped to one tenant.
import { vectorIndex } from "./resolve";

export function upsertBrandVoice(
  env: Env,
  tenant: { tenantId: string; region: string },
  values: number[],
  updatedAt: string,
): Promise<VectorizeVectorMutation> {
  return vectorIndex(env, "brandVoice").upsert([
    {
      id: tenant.tenantId,
      namespace: tenant.tenantId,
      values,
      metadata: { tenant_id: tenant.tenantId, region: tenant.region, updated_at: updatedAt },
    },
  ]);
}

export function deleteBrandVoice(env: Env, tenantId: string): Promise<VectorizeVectorMutation> {
  return vectorIndex(env, "brandVoice").deleteByIds([tenantId]);
}
