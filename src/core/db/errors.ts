// Recognising the database's refusals, to answer them as 409s rather than 500s.

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function isUniqueViolation(error: unknown): boolean {
  return /UNIQUE constraint failed/i.test(messageOf(error));
}

/** The RAISE(ABORT, message) of one of the schema's triggers. */
export function isTriggerAbort(error: unknown, message: string): boolean {
  return messageOf(error).includes(message);
}

/** A row still referenced by another (D1 enforces foreign keys). */
export function isForeignKeyViolation(error: unknown): boolean {
  return /FOREIGN KEY constraint failed/i.test(messageOf(error));
}
