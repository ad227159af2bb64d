// Vector index writes that follow a D1 commit. D1 is the source of truth and every
// search result is read back from it, so an index a step behind can hide a row but
// never show a wrong one. If the index write fails, the change is saved and the
// client is told to repeat the request, which writes the index again.
import type { Context } from "hono";
import type { AppEnv } from "./app-env";
import { ProblemError } from "./problem";

export async function indexAfterCommit(
  c: Context<AppEnv>,
  index: string,
  write: () => Promise<unknown>,
): Promise<void> {
  try {
    await write();
  } catch (error) {
    console.error(`[${c.var.requestId}] ${index} index not updated`, error);
    throw new ProblemError(
      "unavailable",
      `The change is saved but the ${index} index was not updated; repeat the request`,
      {},
      { "Retry-After": "1" },
    );
  }
}
