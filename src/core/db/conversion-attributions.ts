// Each touch's share of a conversion under each attribution model (migration 0010).
import type { AttributionModel } from "../analytics/attribution";
import type { TenantScope } from "./tenant-scope";

export interface AttributionRow {
  conversion_id: string;
  model: AttributionModel;
  touch_id: string;
  post_id: string;
  touched_at: string;
  /** 0 for the oldest touch. */
  position: number;
  weight: number;
}

/**
 * All of a conversion's credit rows in one statement: the rows travel as one JSON
 * parameter and are unpacked by json_each, so a session of a hundred touches (four
 * hundred rows) stays one bound parameter list of three, far below D1's 100.
 */
export function insertAttributions(
  scope: TenantScope,
  conversionId: string,
  rows: readonly Omit<AttributionRow, "conversion_id">[],
): D1PreparedStatement {
  return scope.db
    .prepare(
      `INSERT INTO conversion_attributions (conversion_id, tenant_id, model, touch_id, post_id, touched_at,
                                           position, weight)
       SELECT ?, ?, json_extract(value, '$.model'), json_extract(value, '$.touch_id'),
              json_extract(value, '$.post_id'), json_extract(value, '$.touched_at'),
              json_extract(value, '$.position'), json_extract(value, '$.weight')
       FROM json_each(?)`,
    )
    .bind(conversionId, scope.tenantId, JSON.stringify(rows));
}

/** The credit rows of `conversionIds`, each conversion's touches oldest first. */
export async function attributionsOf(
  scope: TenantScope,
  conversionIds: readonly string[],
): Promise<Map<string, AttributionRow[]>> {
  const byConversion = new Map<string, AttributionRow[]>();
  if (conversionIds.length === 0) return byConversion;
  // A page of ids as one JSON parameter rather than an IN list of up to 100 (+1) binds.
  const { results } = await scope.db
    .prepare(
      `SELECT conversion_id, model, touch_id, post_id, touched_at, position, weight FROM conversion_attributions
       WHERE tenant_id = ? AND conversion_id IN (SELECT value FROM json_each(?))
       ORDER BY conversion_id, position, model`,
    )
    .bind(scope.tenantId, JSON.stringify(conversionIds))
    .all<AttributionRow>();
  for (const row of results) {
    const rows = byConversion.get(row.conversion_id) ?? [];
    rows.push(row);
    byConversion.set(row.conversion_id, rows);
  }
  return byConversion;
}
