// Every tenant-owned table of a shard, in foreign-key order (a row's parents come
// before it), with how a tenant's rows of it are found. Moving a tenant copies them in
// this order and deletes them in the reverse; a table added to migrations/tenant must
// be added here (test/placement checks that this list names every tenant table).
//
// `where` selects the tenant's rows with ?1 bound to the tenant id, through an index
// that starts with the tenant (or through the parent's), so listing a tenant's rows
// reads about as many rows as it returns.
//
// The same list is every tenant-owned table for privacy (docs/privacy.md): a tenant's
// export writes one file per entry, and a person's erasure rewrites the `members`
// columns of each. GLOBAL_TENANT_TABLES below are the tenant's rows in the global database.

export interface TenantTable {
  name: string;
  where: string;
  /**
   * How a row is named while it is copied and deleted: `rowid`, or the primary key of a
   * WITHOUT ROWID table, which has no rowid (shard migration 0015).
   */
  key: string;
  /**
   * Columns that name a member of the tenant (a users.user_id) as the one who acted or
   * authored: a person's export reads their rows by them, and their erasure puts a
   * pseudonym in their place (src/core/privacy/person-erasure.ts). users.user_id and
   * api_keys.user_id are not listed: foreign keys hold them, and those rows are
   * anonymised or revoked instead.
   */
  members?: readonly string[];
}

const byTenant = (name: string, key = "rowid", members?: readonly string[]): TenantTable => ({
  name,
  where: "tenant_id = ?1",
  key,
  ...(members ? { members } : {}),
});

export const TENANT_TABLES: readonly TenantTable[] = [
  byTenant("users"),
  byTenant("brand_profiles"),
  byTenant("content_templates"),
  byTenant("post_configurations"),
  byTenant("generated_content"),
  // A post's versions name the member who made each (migration 0028, docs/approvals.md).
  byTenant("revision_events", "rowid", ["edited_by"]),
  {
    name: "guard_results",
    where: "content_id IN (SELECT content_id FROM generated_content WHERE tenant_id = ?1)",
    key: "rowid",
  },
  byTenant("brand_knowledge_entries"),
  byTenant("social_accounts"),
  byTenant("published_posts", "rowid", ["published_by"]),
  byTenant("rate_limits"),
  // No index of post_analytics starts with the tenant (migration 0013: each would be an
  // entry written with every post); its rows are found through their posts, one each.
  {
    name: "post_analytics",
    where: "post_id IN (SELECT post_id FROM published_posts WHERE tenant_id = ?1) AND tenant_id = ?1",
    key: "analytics_id",
  },
  byTenant("performance_benchmarks"),
  byTenant("ab_tests", "rowid", ["created_by"]),
  byTenant("conversions"),
  // Sync errors name their tenant since migration 0018 (idx_analytics_errors_tenant_resolved
  // holds only resolved ones; the unresolved few are read with them by the tenant's column).
  byTenant("analytics_sync_errors"),
  byTenant("api_keys"),
  byTenant("audit_logs", "log_id", ["user_id"]),
  // decided_by: the approver of a post that waited (migration 0028).
  byTenant("publish_requests", "rowid", ["requested_by", "decided_by"]),
  {
    name: "conversion_attributions",
    where: "conversion_id IN (SELECT conversion_id FROM conversions WHERE tenant_id = ?1)",
    key: "rowid",
  },
  // Outgoing webhooks (migration 0026, docs/webhooks.md): endpoints before their
  // deliveries (a delivery's foreign key). An event's body names no member (a post's
  // requested_by is left out of it: src/core/webhooks/events.ts).
  byTenant("webhook_endpoints", "rowid", ["created_by"]),
  byTenant("webhook_events"),
  byTenant("webhook_deliveries"),
  // An erased person's archive job while it runs (migration 0031, docs/privacy.md): its
  // user_id is the person's, but not as an actor (the job's row, deleted when it ends).
  byTenant("person_erasures"),
];

/**
 * The tenant's rows in the global database (ARCHITECTURE.md, Placement): its directory
 * row and its private skills (visibility "tenant:<id>") with their versions and
 * embeddings, and the sharing events naming it. A tenant's export writes them under
 * global/ (the k-anonymous daily skill metrics name no tenant and are not among them).
 * `where` binds ?1 to the tenant id, as above; `key` is each table's rowid.
 */
export interface GlobalTenantTable {
  name: string;
  where: string;
  key: "rowid";
}

const PRIVATE_SKILLS = "SELECT skill_id FROM skills WHERE visibility = 'tenant:' || ?1";

export const GLOBAL_TENANT_TABLES: readonly GlobalTenantTable[] = [
  { name: "tenants", where: "tenant_id = ?1", key: "rowid" },
  { name: "skills", where: "visibility = 'tenant:' || ?1", key: "rowid" },
  { name: "skill_versions", where: `skill_id IN (${PRIVATE_SKILLS})`, key: "rowid" },
  { name: "skill_embeddings", where: `skill_id IN (${PRIVATE_SKILLS})`, key: "rowid" },
  { name: "sharing_events", where: "tenant_id = ?1", key: "rowid" },
];
