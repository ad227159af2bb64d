// Stops a D1 batch when an earlier statement did not do what the rest depends on
// (migration 0009's batch_precondition). The batch is one transaction: everything in
// it, the audit row included, is rolled back.

export const PRECONDITION_FAILED = "batch precondition failed";

/** Aborts the batch unless the statement just before this one changed exactly `rows` rows. */
export function expectChanges(db: D1Database, rows: number): D1PreparedStatement {
  return db.prepare("INSERT INTO batch_precondition (holds) SELECT changes() = ?").bind(rows);
}
