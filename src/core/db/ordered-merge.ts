// A page across several ordered ranges of one index: one SELECT per range, each
// reading its range in index order, joined by UNION ALL under the page's ORDER BY and
// LIMIT. SQLite runs such a compound as a merge of co-routines, taking rows from each
// SELECT only as the page needs them, so the page reads about its own rows plus one
// per SELECT, where `IN (...)` over the ranges would read every row of every range to
// sort them (measured in bench:scale).
//
// D1 allows at most 5 terms in one compound SELECT. Five SELECTs joined by UNION ALL
// inside a FROM (no ORDER BY, no LIMIT of their own) are flattened by SQLite into the
// compound around them, so groups of five nest into as many terms as needed and are
// still merged as one.

/** D1's limit on the terms of one compound SELECT. */
export const COMPOUND_TERMS = 5;

/** The SELECTs as groups of at most five, nested: one compound whose terms are all merged in order. */
function nested(selects: readonly string[]): string[] {
  if (selects.length <= COMPOUND_TERMS) return [...selects];
  const size = Math.ceil(selects.length / COMPOUND_TERMS);
  const groups: string[] = [];
  for (let i = 0; i < selects.length; i += size) {
    const group = nested(selects.slice(i, i + size));
    groups.push(group.length === 1 ? (group[0] as string) : `SELECT * FROM (${group.join(" UNION ALL ")})`);
  }
  return groups;
}

/** `selects` merged in `orderBy` order (each SELECT must read its range in that order), then `limit`. */
export function orderedMerge(selects: readonly string[], orderBy: string, limit?: string): string {
  if (selects.length === 0) throw new RangeError("a merge needs at least one SELECT");
  return `${nested(selects).join(" UNION ALL ")} ORDER BY ${orderBy}${limit ? ` LIMIT ${limit}` : ""}`;
}

/**
 * A column an index holds before the order it is read in: `values` are every value it
 * can hold (the code's constants its CHECK constraint lists), or none for a free column
 * (text), which a list can use only when it is filtered.
 */
export interface ListColumn {
  column: string;
  values?: readonly string[];
}

/**
 * The ranges of an index a filtered list reads, one per combination of its columns'
 * values: a filtered column has its one value, every other column each of its values.
 * Null when a free column is not filtered (the index cannot serve the list).
 */
export function rangesOf(
  columns: readonly ListColumn[],
  filters: Readonly<Record<string, string | undefined>>,
): Record<string, string>[] | null {
  let ranges: Record<string, string>[] = [{}];
  for (const { column, values } of columns) {
    const given = filters[column];
    const options = given !== undefined ? [given] : values;
    if (!options) return null;
    ranges = ranges.flatMap((range) => options.map((value) => ({ ...range, [column]: value })));
  }
  return ranges;
}
