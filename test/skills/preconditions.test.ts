// The batch precondition: a compare-and-set that matched nothing rolls back its batch.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { isTriggerAbort } from "../../src/core/db/errors";
import { expectChanges, PRECONDITION_FAILED } from "../../src/core/db/preconditions";
import { insertSkill } from "../support/rows";

describe("batch preconditions", () => {
  it("let a batch through when the update changed a row, and roll it back when it did not", async () => {
    const skillId = await insertSkill({ status: "testing" });
    const move = (from: string, to: string) =>
      env.DB.prepare("UPDATE skills SET status = ? WHERE skill_id = ? AND status = ?").bind(to, skillId, from);
    const rename = (name: string) =>
      env.DB.prepare("UPDATE skills SET name = ? WHERE skill_id = ?").bind(name, skillId);

    await env.DB.batch([move("testing", "active"), expectChanges(env.DB, 1), rename("moved")]);
    const error = await env.DB.batch([move("testing", "active"), expectChanges(env.DB, 1), rename("stale")]).catch(
      (e: unknown) => e,
    );
    expect(isTriggerAbort(error, PRECONDITION_FAILED)).toBe(true);
    const row = await env.DB.prepare("SELECT status, name FROM skills WHERE skill_id = ?").bind(skillId).first();
    expect(row).toEqual({ status: "active", name: "moved" });
  });
});
