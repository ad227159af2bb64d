// What every answer to a hostile request must be: never a 5xx; every error an RFC 9457
// problem+json whose status matches; a 400 names the failing field in `errors` (or,
// for an error that is not about one field, such as malformed JSON, says what is
// wrong in `detail`).

const LOCATIONS = ["body", "query", "param", "header", "json", "cookie"];

/** The first broken rule, or null when the answer keeps them all. */
export async function brokenRule(res: Response): Promise<string | null> {
  const text = await res.text();
  if (res.status >= 500) return `answered ${res.status}: ${text.slice(0, 500)}`;
  if (res.status < 400) return null;
  const type = res.headers.get("Content-Type");
  if (type !== "application/problem+json") return `a ${res.status} as ${type}, not application/problem+json`;
  let problem: Record<string, unknown>;
  try {
    problem = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return `a ${res.status} whose body is not JSON: ${text.slice(0, 200)}`;
  }
  if (problem.status !== res.status) return `problem.status ${String(problem.status)} on a ${res.status}`;
  if (typeof problem.type !== "string" || !problem.type.startsWith("/problems/"))
    return `problem.type ${String(problem.type)}`;
  if (typeof problem.title !== "string" || problem.title === "") return "a problem without a title";
  if (res.status !== 400) return null;
  if (typeof problem.detail !== "string" || problem.detail.trim() === "") return "a 400 without a detail";
  if (problem.type !== "/problems/validation") return null;
  const errors = problem.errors as { in?: unknown; field?: unknown; message?: unknown }[] | undefined;
  if (!Array.isArray(errors) || errors.length === 0) return `a validation 400 naming no field: ${text.slice(0, 300)}`;
  for (const error of errors) {
    if (!LOCATIONS.includes(String(error.in)) || typeof error.field !== "string" || typeof error.message !== "string") {
      return `a malformed field error ${JSON.stringify(error)}`;
    }
  }
  return null;
}
