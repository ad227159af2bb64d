// Every tenant-owned table of a shard, in foreign-key order (a row's parents come
// before it), with how a tenant's rows of it are found. Moving a tenant copies them in
// this order and deletes them in the reverse; a table added to migrations/tenant must
// be added here (test/placement checks that this list names every tenant table).
//
// `where` selects the tenant's rows with ?1 bound to the tenant id, through an index
// that starts with the tenant (or through the parent's), so listing a tenant's rows
// reads about as many rows as it returns.

export interface TenantTable {
  name: string;
  where: string;
  /**
   * How a row is named while it is copied and deleted: `rowid`, or the primary key of a
   * WITHOUT ROWID table, which has no rowid (shard migration 0015).
   */
  key: string;
}

const byTenant = (name: string, key = "rowid"): TenantTable => ({ name, where: "tenant_id = ?1", key });

export const TENANT_TABLES: readonly TenantTable[] = [
  byTenant("users"),
  byTenant("brand_profiles"),
  byTenant("content_templates"),
  byTenant("post_configurations"),
  byTenant("generated_content"),
  byTenant("revision_events"),
  {
    name: "guard_results",
    where: "content_id IN (SELECT content_id FROM generated_content WHERE tenant_id = ?1)",
    key: "rowid",
  },
  byTenant("brand_knowledge_entries"),
  byTenant("social_accounts"),
  byTenant("published_posts"),
  byTenant("rate_limits"),
  // No index of post_analytics starts with the tenant (migration 0013: each would be an
  // entry written with every post); its rows are found through their posts, one each.
  {
    name: "post_analytics",
    where: "post_id IN (SELECT post_id FROM published_posts WHERE tenant_id = ?1) AND tenant_id = ?1",
    key: "analytics_id",
  },
  byTenant("performance_benchmarks"),
  byTenant("ab_tests"),
  byTenant("conversions"),
  // Sync errors name their tenant since migration 0018 (idx_analytics_errors_tenant_resolved
  // holds only resolved ones; the unresolved few are read with them by the tenant's column).
  byTenant("analytics_sync_errors"),
  byTenant("api_keys"),
  byTenant("audit_logs", "log_id"),
  byTenant("publish_requests"),
  {
    name: "conversion_attributions",
    where: "conversion_id IN (SELECT conversion_id FROM conversions WHERE tenant_id = ?1)",
    key: "rowid",
  },
];
