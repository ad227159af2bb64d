// How the content routes reach a candidate: the caller's own, or 404 exactly as for
// one that does not exist.
import type { Context } from "hono";
import { type ContentRow, getContent } from "../../core/db/content";
import type { AppEnv } from "./app-env";
import { ProblemError } from "./problem";
import { caller } from "./request-context";

export const CONTENT_NOT_FOUND = "No such content";

export async function ownContent(c: Context<AppEnv>, id: string): Promise<ContentRow> {
  const row = await getContent(caller(c).scope, id);
  if (!row) throw new ProblemError("notFound", CONTENT_NOT_FOUND);
  return row;
}
