// The HTTP answers the object still makes itself, as problem+json where they are
// errors: cancelling and releasing a scheduled or held post (the contract's Answer). A
// publish answers with a typed outcome instead (outcome.ts), which the router turns
// into HTTP (src/router/http/publish-answers.ts).

import { PROBLEM_TYPES, type ProblemKind, problemTypeUri } from "../../src/core/problem";
import type { Answer } from "../tenant-object/contract";

export function problemAnswer(
  kind: ProblemKind,
  detail: string,
  extensions: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Answer {
  const { status, title } = PROBLEM_TYPES[kind];
  return { status, body: { type: problemTypeUri(kind), title, status, detail, ...extensions }, headers };
}
