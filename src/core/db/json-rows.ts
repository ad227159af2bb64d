// Many rows in one statement: the rows travel as one bound JSON array and SQLite
// unpacks them with json_each. D1 caps a statement at 100 bound parameters
// (ARCHITECTURE.md, Bound parameters); this way a batch of posts costs one statement per table,
// not one per row, which is most of what a D1 batch costs.

/** Rows one statement carries at most. */
export const MAX_JSON_ROWS = 100;
/** Bytes of JSON one statement carries at most (D1 takes a value of up to 2 MB). */
export const MAX_JSON_BYTES = 1_000_000;

/** `json_extract` of each field of the current json_each row, in `fields` order. */
export function jsonFields(fields: readonly string[]): string {
  return fields.map((field) => `json_extract(value, '$.${field}')`).join(", ");
}

/**
 * `SELECT <fields> FROM json_each(?1) WHERE true`: the source of an INSERT. The
 * WHERE keeps SQLite from reading a following ON CONFLICT as a join constraint.
 */
export function jsonRowsSource(fields: readonly string[], leading: readonly string[] = []): string {
  return `SELECT ${[...leading, jsonFields(fields)].join(", ")} FROM json_each(?1) WHERE true`;
}
