// A 400 naming one body field, for checks zod cannot make alone (a referenced row
// that must exist in the caller's tenant). A reference to another tenant's row fails
// exactly as one to a row that does not exist.
import { ProblemError } from "./problem";

export function invalidField(field: string, message: string): ProblemError {
  return new ProblemError("validation", `body field "${field}": ${message}`, {
    errors: [{ in: "body", field, message }],
  });
}
