// Which tenant an API key belongs to, by its prefix: the global key directory
// (key_prefixes, migrations/global/0012), so a key finds its tenant, and through the
// tenant its shard, without asking every shard. A key never moves between tenants and
// a prefix is never reused (keys are revoked, not deleted), so this is an immutable
// fact, safe to remember across requests: after the first request with a key, an
// isolate reaches the key's TenantObject without asking D1. Whether the key is still
// good is the TenantObject's to decide, on every request.

const MAX_ENTRIES = 10_000;
const directory = new Map<string, string>();

export async function tenantOfKeyPrefix(env: Env, prefix: string): Promise<string | null> {
  const known = directory.get(prefix);
  if (known) return known;
  const row = await env.DB.prepare("SELECT tenant_id FROM key_prefixes WHERE key_prefix = ?")
    .bind(prefix)
    .first<{ tenant_id: string }>();
  if (!row) return null;
  if (directory.size >= MAX_ENTRIES) directory.delete(directory.keys().next().value as string);
  directory.set(prefix, row.tenant_id);
  return row.tenant_id;
}

/** The directory row of a new key's prefix (global D1): written before the key's own row in the shard. */
export function registerKeyPrefix(db: D1Database, prefix: string, tenantId: string, now: string): D1PreparedStatement {
  return db
    .prepare("INSERT INTO key_prefixes (key_prefix, tenant_id, created_at) VALUES (?, ?, ?)")
    .bind(prefix, tenantId, now);
}
