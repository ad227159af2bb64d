// The embedded vector index's storage and search, on a Durable Object's SQLite.
// Callers pass input already checked by src/core/vector/limits.ts.
import { chunk, MAX_BOUND_PARAMETERS } from "../../src/core/db/chunk";
import { bytesToVector, vectorToBytes } from "../../src/core/vector/codec";
import { VectorIndexError } from "../../src/core/vector/errors";
import type { VectorIndexSpec } from "../../src/core/vector/indexes";
import type { CheckedVector, ResolvedQueryOptions } from "../../src/core/vector/limits";
import { type CompiledFilter, indexedMetadata, matchesFilter } from "../../src/core/vector/metadata-filter";
import { norm, ranksBefore, scorer, TopK } from "../../src/core/vector/similarity";

interface VectorRow extends Record<string, SqlStorageValue> {
  id: string;
  namespace: string | null;
  components: ArrayBuffer;
  norm: number;
  metadata: string | null;
}

/** Fixes the index's dimensions and metric on first use; refuses a different spec after. */
export function ensureConfig(sql: SqlStorage, spec: VectorIndexSpec): void {
  const wanted = JSON.stringify({ dimensions: spec.dimensions, metric: spec.metric });
  sql.exec("INSERT INTO meta (key, value) VALUES ('config', ?) ON CONFLICT(key) DO NOTHING", wanted);
  const stored = sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'config'").one().value;
  if (stored !== wanted) {
    throw new VectorIndexError("index_misconfigured", `${spec.name} was created as ${stored}, not ${wanted}`);
  }
}

export function countVectors(sql: SqlStorage): number {
  return sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM vectors").one().n;
}

/**
 * Writes `vectors`. "upsert" replaces an existing id (the last of duplicates wins);
 * "insert" keeps an existing id untouched (the first wins), as Vectorize does.
 * Returns the ids written, each once.
 */
export function writeVectors(sql: SqlStorage, vectors: CheckedVector[], mode: "insert" | "upsert"): string[] {
  const conflict =
    mode === "upsert"
      ? `DO UPDATE SET namespace = excluded.namespace, components = excluded.components,
                       norm = excluded.norm, metadata = excluded.metadata`
      : "DO NOTHING";
  const written = new Set<string>();
  for (const vector of vectors) {
    const cursor = sql.exec(
      `INSERT INTO vectors (id, namespace, components, norm, metadata) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(id) ${conflict} RETURNING id`,
      vector.id,
      vector.namespace,
      vectorToBytes(vector.values),
      norm(vector.values),
      vector.metadata,
    );
    if (cursor.toArray().length > 0) written.add(vector.id);
  }
  return [...written];
}

function placeholders(count: number): string {
  return Array.from({ length: count }, () => "?").join(", ");
}

export function deleteVectors(sql: SqlStorage, ids: string[]): string[] {
  const deleted: string[] = [];
  for (const part of chunk(ids, MAX_BOUND_PARAMETERS)) {
    const rows = sql.exec<{ id: string }>(
      `DELETE FROM vectors WHERE id IN (${placeholders(part.length)}) RETURNING id`,
      ...part,
    );
    for (const row of rows) deleted.push(row.id);
  }
  return deleted;
}

function toVector(row: VectorRow): VectorizeVector {
  return {
    id: row.id,
    values: Array.from(bytesToVector(row.components)),
    ...(row.namespace === null ? {} : { namespace: row.namespace }),
    ...(row.metadata === null ? {} : { metadata: JSON.parse(row.metadata) }),
  };
}

/** The stored vectors with these ids, in the order asked. */
export function readVectors(sql: SqlStorage, ids: string[]): VectorizeVector[] {
  const found = new Map<string, VectorizeVector>();
  for (const part of chunk(ids, MAX_BOUND_PARAMETERS)) {
    const rows = sql.exec<VectorRow>(`SELECT * FROM vectors WHERE id IN (${placeholders(part.length)})`, ...part);
    for (const row of rows) found.set(row.id, toVector(row));
  }
  return ids.flatMap((id) => found.get(id) ?? []);
}

/**
 * Exact nearest neighbours: every vector of the namespace (or of the whole index) that
 * passes the filter is scored; the best `topK` are returned. The filter runs first,
 * as in Vectorize, so topK counts matching vectors only.
 */
export function searchVectors(
  sql: SqlStorage,
  spec: VectorIndexSpec,
  query: Float32Array,
  options: ResolvedQueryOptions,
  filter: CompiledFilter,
): VectorizeMatches {
  const rows =
    options.namespace === null
      ? sql.exec<VectorRow>("SELECT * FROM vectors")
      : sql.exec<VectorRow>("SELECT * FROM vectors WHERE namespace = ?", options.namespace);
  const score = scorer(spec.metric, query);
  const best = new TopK<{ id: string; score: number; row: VectorRow; metadata: Record<string, unknown> | null }>(
    options.topK,
    ranksBefore(spec.metric),
  );
  for (const row of rows) {
    const metadata = filter.length > 0 || options.returnMetadata !== "none" ? parseMetadata(row.metadata) : null;
    if (filter.length > 0 && !matchesFilter(metadata, filter)) continue;
    const value = score(bytesToVector(row.components), row.norm);
    if (best.admits(value, row.id)) best.push({ id: row.id, score: value, row, metadata });
  }
  const matches = best.result().map(({ id, score: value, row, metadata }) => {
    const match: VectorizeMatch = { id, score: value };
    if (row.namespace !== null) match.namespace = row.namespace;
    if (options.returnValues) match.values = Array.from(bytesToVector(row.components));
    if (options.returnMetadata === "all" && metadata) match.metadata = metadata as VectorizeMatch["metadata"];
    if (options.returnMetadata === "indexed") match.metadata = indexedMetadata(spec, metadata);
    return match;
  });
  return { matches, count: matches.length };
}

function parseMetadata(json: string | null): Record<string, unknown> | null {
  return json === null ? null : (JSON.parse(json) as Record<string, unknown>);
}
