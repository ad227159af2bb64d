// The tenant's knowledge base (brand_knowledge_entries). The embedding is kept in D1 as float32
// bytes (the source of truth) and projected into the knowledge index
// (src/core/vector/knowledge-vectors.ts) while the entry is active.
import { chunk, MAX_BOUND_PARAMETERS } from "./chunk";
import { jsonOrNull, parseJson } from "./json-column";
import type { TenantTable } from "./tenant-rows";
import type { TenantScope } from "./tenant-scope";
import { iso, isoOrNull } from "./time";

export const ENTRY_TYPES = ["guideline", "example", "faq", "asset"] as const;
export const ENTRY_STATUSES = ["active", "archived"] as const;

/** Every column but the embedding (6 KiB a row), which only the index projection reads. */
const COLUMNS = `entry_id, tenant_id, title, entry_type, category, content, metadata,
  embedding IS NOT NULL AS has_embedding, access_count, last_accessed_at, created_at, updated_at, status`;

export const KNOWLEDGE: TenantTable = {
  table: "brand_knowledge_entries",
  idColumn: "entry_id",
  patchable: ["title", "entry_type", "category", "content", "metadata", "embedding", "status"],
  select: COLUMNS,
  // Migration 0018: a category (free text) leads an index of its own; without one, the
  // list reads idx_knowledge_list. Both enumerate status and type (their CHECKs' values).
  lists: [
    [
      { column: "category" },
      { column: "status", values: ENTRY_STATUSES },
      { column: "entry_type", values: ENTRY_TYPES },
    ],
    [
      { column: "status", values: ENTRY_STATUSES },
      { column: "entry_type", values: ENTRY_TYPES },
    ],
  ],
};

export interface KnowledgeRow {
  entry_id: string;
  tenant_id: string;
  title: string;
  entry_type: string;
  category: string | null;
  content: string;
  metadata: string | null;
  has_embedding: number;
  access_count: number;
  last_accessed_at: string | null;
  created_at: string;
  updated_at: string;
  status: string;
}

export function toKnowledgeEntry(row: KnowledgeRow) {
  return {
    id: row.entry_id,
    title: row.title,
    entry_type: row.entry_type,
    category: row.category,
    content: row.content,
    metadata: parseJson<Record<string, unknown> | null>(row.metadata, null),
    has_embedding: row.has_embedding === 1,
    status: row.status,
    access_count: row.access_count,
    last_accessed_at: isoOrNull(row.last_accessed_at),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

export interface NewKnowledgeEntry {
  entryId: string;
  title: string;
  entryType: string;
  category: string | null;
  content: string;
  metadata: Record<string, unknown> | null;
  embedding: Uint8Array | null;
  now: string;
}

export function insertKnowledgeEntry(scope: TenantScope, e: NewKnowledgeEntry): D1PreparedStatement {
  return scope.db
    .prepare(
      `INSERT INTO brand_knowledge_entries (entry_id, tenant_id, title, entry_type, category, content, metadata,
                                            embedding, access_count, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 'active', ?, ?)`,
    )
    .bind(
      e.entryId,
      scope.tenantId,
      e.title,
      e.entryType,
      e.category,
      e.content,
      jsonOrNull(e.metadata),
      e.embedding,
      e.now,
      e.now,
    );
}

/**
 * The active entries among `ids`, of this tenant only (whatever the index answered): one
 * seek each by the entry's key. `+` keeps SQLite from reading the tenant's entries by
 * status instead (idx_knowledge_list), which it chose with statistics and without.
 */
export async function activeEntriesById(scope: TenantScope, ids: string[]): Promise<Map<string, KnowledgeRow>> {
  const found = new Map<string, KnowledgeRow>();
  for (const part of chunk(ids, MAX_BOUND_PARAMETERS - 1)) {
    const { results } = await scope.db
      .prepare(
        `SELECT ${COLUMNS} FROM brand_knowledge_entries
         WHERE entry_id IN (${part.map(() => "?").join(", ")}) AND +tenant_id = ? AND +status = 'active'`,
      )
      .bind(...part, scope.tenantId)
      .all<KnowledgeRow>();
    for (const row of results) found.set(row.entry_id, row);
  }
  return found;
}

/** Counts an access to each entry (a read by id or a search hit). */
export function recordAccess(scope: TenantScope, ids: string[], now: string): D1PreparedStatement[] {
  return chunk(ids, MAX_BOUND_PARAMETERS - 2).map((part) =>
    scope.db
      .prepare(
        `UPDATE brand_knowledge_entries SET access_count = access_count + 1, last_accessed_at = ?
         WHERE tenant_id = ? AND entry_id IN (${part.map(() => "?").join(", ")})`,
      )
      .bind(now, scope.tenantId, ...part),
  );
}

/** What the knowledge index holds of an entry: its embedding and the fields it filters on. */
export interface IndexedEntry {
  entry_id: string;
  tenant_id: string;
  title: string;
  entry_type: string;
  category: string | null;
  status: string;
  embedding: number[] | null;
}

export function indexedEntry(scope: TenantScope, entryId: string): Promise<IndexedEntry | null> {
  return scope.db
    .prepare(
      `SELECT entry_id, tenant_id, title, entry_type, category, status, embedding FROM brand_knowledge_entries
       WHERE tenant_id = ? AND entry_id = ?`,
    )
    .bind(scope.tenantId, entryId)
    .first<IndexedEntry>();
}
