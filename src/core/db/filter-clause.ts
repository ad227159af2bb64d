// A WHERE clause made of the filters a request gave and nothing more. The catch-all form
// `(? IS NULL OR col = ?)` keeps SQLite from the index a given filter selects (it plans
// one query for every combination), so a list read the tenant's whole index instead
// of about the rows it returns; a clause built from the given filters lets it seek.
type Bound = string | number;

export class FilterClause {
  readonly #conditions: string[] = [];
  readonly #params: Bound[] = [];

  /** Starts with the condition every query has (the tenant's), bound to `values`. */
  constructor(condition: string, ...values: Bound[]) {
    this.always(condition, ...values);
  }

  /** `condition`, its `?`s bound to `values`, when every value was given; else nothing. */
  given(condition: string, ...values: (Bound | undefined)[]): this {
    if (values.some((value) => value === undefined)) return this;
    return this.always(condition, ...(values as Bound[]));
  }

  /** `condition` in any case (a constant in it can match a partial index; a bound value cannot). */
  always(condition: string, ...values: Bound[]): this {
    this.#conditions.push(condition);
    this.#params.push(...values);
    return this;
  }

  get sql(): string {
    return this.#conditions.join(" AND ");
  }

  /** The clause with its `?`s numbered ?1, ?2, … in order, for a statement that binds more after them. */
  numberedSql(): string {
    let n = 0;
    return this.sql.replaceAll("?", () => `?${++n}`);
  }

  get params(): Bound[] {
    return [...this.#params];
  }
}
