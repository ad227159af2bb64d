// Skills a tenant sees and changes: global ones and its own, never another tenant's
// private ones; the lifecycle; forks.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { vectorIndex } from "../../src/core/vector/resolve";
import { float32 } from "../content/vectors";
import { call, json } from "../support/http";
import { ADMIN, createTenant } from "../support/tenants";
import { globalSkill, patchSkill, privateSkill, type Skill, skillBody } from "./helpers";

async function sharingEvents(skillId: string) {
  const { results } = await env.DB.prepare(
    "SELECT action, actor, tenant_id, reason, metadata FROM sharing_events WHERE skill_id = ? ORDER BY event_id",
  )
    .bind(skillId)
    .all<{ action: string; actor: string; tenant_id: string | null; reason: string; metadata: string }>();
  return results;
}

describe("skills", () => {
  it("list global skills and the caller's private ones, never another tenant's", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const shared = await globalSkill();
    const mine = await privateSkill(a);
    const theirs = await privateSkill(b);
    const listed = async (query = "") =>
      (await json<{ data: Skill[] }>(await call(`/v1/skills?limit=100${query}`, { token: a.ownerKey }))).data.map(
        (s) => s.id,
      );
    const all = await listed();
    expect(all).toContain(shared.id);
    expect(all).toContain(mine.id);
    expect(all).not.toContain(theirs.id);
    expect(await listed("&visibility=private")).toEqual([mine.id]);
    expect(await listed("&visibility=global")).not.toContain(mine.id);
    expect((await call(`/v1/skills/${theirs.id}`, { token: a.ownerKey })).status).toBe(404);
    expect((await call(`/v1/skills/${theirs.id}/versions`, { token: a.ownerKey })).status).toBe(404);
    expect((await call(`/v1/skills/${theirs.id}/metrics`, { token: a.ownerKey })).status).toBe(404);
    expect((await call(`/v1/skills/${theirs.id}/fork`, { token: a.ownerKey, body: {} })).status).toBe(404);
    // Nor can content be recorded with it.
    const content = await call("/v1/content", {
      token: a.ownerKey,
      body: { intent_spec: {}, content_type: "text", text_content: "x", skill_id: theirs.id },
    });
    expect(content.status).toBe(400);
  });

  it("create a private skill in testing with its first version active and its vector indexed", async () => {
    const tenant = await createTenant();
    const body = skillBody();
    const res = await call("/v1/skills", { token: tenant.ownerKey, body });
    expect(res.status).toBe(201);
    const skill = await json<Skill>(res);
    expect(skill).toMatchObject({
      visibility: "private",
      status: "testing",
      tier: "experimental",
      parent_skill_id: null,
      active_version: { version_number: 1 },
    });
    const [vector] = await vectorIndex(env, "skills").getByIds([skill.id]);
    expect(vector?.values).toEqual(float32(body.version.embedding));
    expect(vector?.metadata).toMatchObject({
      visibility: `tenant:${tenant.tenantId}`,
      status: "testing",
      task: "social_image_post",
    });
  });

  it("move through the lifecycle only by allowed steps, with a reason; retiring is recorded and final", async () => {
    const tenant = await createTenant();
    const skill = await privateSkill(tenant);
    expect((await patchSkill(tenant, skill.id, { status: "active" })).status).toBe(400);
    const noReason = await json<{ errors: { field: string }[] }>(
      await patchSkill(tenant, skill.id, { status: "active" }),
    );
    expect(noReason.errors.map((e) => e.field)).toEqual(["reason"]);
    const active = await json<Skill>(await patchSkill(tenant, skill.id, { status: "active", reason: "passed review" }));
    expect(active).toMatchObject({ status: "active", tier: "standard" });
    expect((await json<Skill>(await patchSkill(tenant, skill.id, { status: "champion", reason: "best" }))).tier).toBe(
      "champion",
    );
    await patchSkill(tenant, skill.id, { status: "failing", reason: "contrast issues" });
    const skip = await patchSkill(tenant, skill.id, { status: "active", reason: "fixed?" });
    expect(skip.status).toBe(409);
    expect((await json<{ detail: string }>(skip)).detail).toContain("testing, retired");
    expect((await patchSkill(tenant, skill.id, { status: "retired", reason: "replaced by v2 layout" })).status).toBe(
      200,
    );
    expect((await patchSkill(tenant, skill.id, { status: "testing", reason: "again" })).status).toBe(409);
    const events = await sharingEvents(skill.id);
    expect(events).toEqual([
      {
        action: "retire_skill",
        actor: `tenant:${tenant.tenantId}`,
        tenant_id: tenant.tenantId,
        reason: "replaced by v2 layout",
        metadata: JSON.stringify({ from_status: "failing", to_status: "retired" }),
      },
    ]);
    const [vector] = await vectorIndex(env, "skills").getByIds([skill.id]);
    expect(vector?.metadata).toMatchObject({ status: "retired" });
  });

  it("leave global skills to the platform: a tenant's change is refused, a fork is its own", async () => {
    const tenant = await createTenant();
    const shared = await globalSkill();
    expect((await patchSkill(tenant, shared.id, { name: "Mine now" })).status).toBe(403);
    const add = await call(`/v1/skills/${shared.id}/versions`, {
      token: tenant.ownerKey,
      body: { prompt_fragments: { system: "x" } },
    });
    expect(add.status).toBe(403);
    const res = await call(`/v1/skills/${shared.id}/fork`, { token: tenant.ownerKey, body: { name: "Our layout" } });
    expect(res.status).toBe(201);
    const fork = await json<Skill>(res);
    expect(fork).toMatchObject({
      name: "Our layout",
      visibility: "private",
      status: "testing",
      parent_skill_id: shared.id,
    });
    const versions = await json<{ data: { prompt_fragments: unknown; guards: string[]; has_embedding: boolean }[] }>(
      await call(`/v1/skills/${fork.id}/versions`, { token: tenant.ownerKey }),
    );
    expect(versions.data).toEqual([
      expect.objectContaining({ guards: ["contrast", "safe_margin"], has_embedding: true }),
    ]);
    const [original, copy] = await vectorIndex(env, "skills").getByIds([shared.id, fork.id]);
    expect(copy?.values).toEqual(original?.values);
    const events = await sharingEvents(fork.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: "fork_skill",
      actor: `tenant:${tenant.tenantId}`,
      tenant_id: tenant.tenantId,
    });
    expect(JSON.parse(events[0]?.metadata as string)).toMatchObject({ parent_skill_id: shared.id });
    // The fork can be changed by its tenant.
    expect((await patchSkill(tenant, fork.id, { name: "Our layout v2" })).status).toBe(200);
  });

  it("refuse content with a retired skill, and forks of it", async () => {
    const tenant = await createTenant();
    const shared = await globalSkill();
    const retire = await call(`/v1/admin/skills/${shared.id}/retire`, {
      token: ADMIN,
      body: { reason: "obsolete format" },
    });
    expect(retire.status).toBe(200);
    const content = await call("/v1/content", {
      token: tenant.ownerKey,
      body: { intent_spec: {}, content_type: "text", text_content: "x", skill_id: shared.id },
    });
    expect(content.status).toBe(409);
    expect((await call(`/v1/skills/${shared.id}/fork`, { token: tenant.ownerKey, body: {} })).status).toBe(409);
    expect((await sharingEvents(shared.id))[0]).toMatchObject({ action: "retire_skill", actor: "admin:operator" });
  });
});
