// The tenant's vectors, for its export (docs/privacy.md): its brand voice (one vector,
// id and namespace = the tenant), its knowledge entries' vectors (ids = its entries'
// ids, in its namespace) and its private skills' vectors (ids = the skills' ids). The
// ids come from D1 a page at a time, so a page is bounded; a vector is kept only when it
// belongs to the tenant (its namespace, or a private skill of the tenant by D1), so an
// id shared by chance can never carry another tenant's vector out.
import type { TenantScope } from "../db/tenant-scope";
import { LIMITS } from "../vector/limits";
import { vectorIndex } from "../vector/resolve";
import type { ExportObject } from "./row-encoding";
import type { PageCursor, TablePage } from "./table-pages";

export const VECTOR_SOURCES = ["brand_voice", "knowledge", "skills"] as const;
export type VectorSource = (typeof VECTOR_SOURCES)[number];

function vectorRow(vector: VectorizeVector): ExportObject {
  return {
    id: vector.id,
    namespace: vector.namespace ?? null,
    values: Array.from(vector.values as ArrayLike<number>),
    metadata: (vector.metadata ?? null) as ExportObject | null,
  };
}

/** Ids of a page from D1: `sql` selects one `id` column, ?1 the tenant, ?2 the limit, ?3 the cursor. */
async function idPage(
  db: D1Database,
  sql: (from: string) => string,
  tenantId: string,
  after: PageCursor | null,
  limit: number,
) {
  const statement = db
    .prepare(sql(after === null ? "" : " AND id > ?3"))
    .bind(...(after === null ? [tenantId, limit] : [tenantId, limit, after]));
  return (await statement.all<{ id: string }>()).results.map((row) => row.id);
}

/** A page of the tenant's vectors of `source` after `after` (null: the first), `limit` ids at most. */
export async function readVectorPage(
  env: Env,
  scope: TenantScope,
  source: VectorSource,
  after: PageCursor | null,
  limit: number,
): Promise<TablePage> {
  const size = Math.min(limit, LIMITS.idsPerCall);
  const tenantId = scope.tenantId;
  if (source === "brand_voice") {
    if (after !== null) return { rows: [], next: null };
    const found = await vectorIndex(env, "brandVoice").getByIds([tenantId]);
    return { rows: found.filter((v) => v.namespace === tenantId).map(vectorRow), next: null };
  }
  const ids =
    source === "knowledge"
      ? await idPage(
          scope.db,
          (from) =>
            `SELECT id FROM (SELECT entry_id AS id FROM brand_knowledge_entries WHERE tenant_id = ?1) WHERE 1${from} ORDER BY id LIMIT ?2`,
          tenantId,
          after,
          size,
        )
      : await idPage(
          env.DB,
          (from) =>
            `SELECT id FROM (SELECT skill_id AS id FROM skills WHERE visibility = 'tenant:' || ?1) WHERE 1${from} ORDER BY id LIMIT ?2`,
          tenantId,
          after,
          size,
        );
  const next = ids.length < size ? null : (ids.at(-1) ?? null);
  if (ids.length === 0) return { rows: [], next };
  const index = vectorIndex(env, source === "knowledge" ? "knowledge" : "skills");
  const found = await index.getByIds(ids);
  const mine = source === "knowledge" ? found.filter((v) => v.namespace === tenantId) : found;
  return { rows: mine.map(vectorRow), next };
}
