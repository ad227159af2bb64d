// Sending an answer a TenantObject decided (objects/tenant-object/contract.ts, Answer:
// cancelling or releasing a scheduled post; a publish's outcome is sent by
// publish-answers.ts): problems get the request's instance and id, and are audited here
// unless the object recorded them itself.
import type { Context } from "hono";
import type { Answer } from "../../../objects/tenant-object/contract";
import type { AppEnv } from "./app-env";
import { auditFailure } from "./audit";
import { type Problem, problemResponse } from "./problem";

export async function respondWith(c: Context<AppEnv>, answer: Answer): Promise<Response> {
  const headers: Record<string, string> = { ...answer.headers };
  if (answer.status >= 400) {
    const problem = answer.body as Problem;
    // The object audits what it records or refuses itself (401, 403, 422); the rest is audited here.
    if (![401, 403, 422].includes(answer.status)) await auditFailure(c, answer.status, problem.detail ?? problem.title);
    return problemResponse(c, problem, headers);
  }
  return c.json(answer.body, answer.status as 200, headers);
}
