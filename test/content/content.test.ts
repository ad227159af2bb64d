// Generated content and its feedback: recording candidates, selection and approval,
// revisions, guard runs, cursor lists, and references that must be the tenant's own.
import { describe, expect, it } from "vitest";
import { call, json } from "../support/http";
import { createTenant, type TestTenant } from "../support/tenants";

interface Content {
  id: string;
  request_id: string;
  user_selected: boolean;
  user_approved: boolean;
  guards_passed: number | null;
  guards_failed: number | null;
  guard_pass_rate: number | null;
}
type Problem = { errors: { field: string }[]; detail: string };

async function record(tenant: TestTenant, body: Record<string, unknown> = {}): Promise<Content> {
  const res = await call("/v1/content", {
    token: tenant.ownerKey,
    body: { intent_spec: { goal: "weekly update" }, content_type: "text", text_content: "Rebar in stock", ...body },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return json<Content>(res);
}

async function fields(res: Response): Promise<string[]> {
  return (await json<Problem>(res)).errors.map((e) => e.field);
}

describe("generated content", () => {
  it("records a candidate with everything the generator knows, and counts the template and configuration used", async () => {
    const tenant = await createTenant();
    const template = await json<{ id: string }>(
      await call("/v1/templates", {
        token: tenant.ownerKey,
        body: { name: "Launch", template_type: "social_post", platform: "linkedin", structure: { layout: "hero" } },
      }),
    );
    const config = await json<{ id: string }>(
      await call("/v1/post-configurations", { token: tenant.ownerKey, body: { name: "LI", platforms: ["linkedin"] } }),
    );
    const content = await record(tenant, {
      request_id: "req-42",
      intent_spec: { task: "social_image_post", platform: "linkedin", goal: "launch" },
      template_id: template.id,
      configuration_id: config.id,
      content_type: "text+image",
      image_url: "https://cdn.example.com/a.png",
      hashtags: ["#Rebar", "Steel"],
      brand_voice_score: 0.91,
      cost: 0.0123,
      generation_time_ms: 2300,
      model_used: "claude-sonnet-4.5",
    });
    expect(content).toMatchObject({
      request_id: "req-42",
      template_id: template.id,
      configuration_id: config.id,
      skill_id: null,
      hashtags: ["#Rebar", "Steel"],
      cost: 0.0123,
      user_selected: false,
      user_approved: false,
    });
    const usedTemplate = await json<{ use_count: number; last_used_at: string }>(
      await call(`/v1/templates/${template.id}`, { token: tenant.ownerKey }),
    );
    expect(usedTemplate.use_count).toBe(1);
    const usedConfig = await json<{ use_count: number }>(
      await call(`/v1/post-configurations/${config.id}`, { token: tenant.ownerKey }),
    );
    expect(usedConfig.use_count).toBe(1);
    expect((await record(tenant)).request_id).toMatch(/^gen_/);
  });

  it("refuses inconsistent candidates and references outside the tenant, naming the field", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const foreign = await json<{ id: string }>(
      await call("/v1/templates", {
        token: other.ownerKey,
        body: { name: "Theirs", template_type: "ad", platform: "all", structure: {} },
      }),
    );
    const post = (body: Record<string, unknown>) =>
      call("/v1/content", { token: tenant.ownerKey, body: { intent_spec: {}, ...body } });
    expect(await fields(await post({ content_type: "image" }))).toEqual(["image_url"]);
    expect(await fields(await post({ content_type: "text", text_content: "x", template_id: foreign.id }))).toEqual([
      "template_id",
    ]);
    const missing = foreign.id.replace(/_.*/, "_00000000000000000000000000");
    const asMissing = await json<Problem>(
      await post({ content_type: "text", text_content: "x", template_id: missing }),
    );
    expect(asMissing.detail).toBe(
      (await json<Problem>(await post({ content_type: "text", text_content: "x", template_id: foreign.id }))).detail,
    );
    expect(
      await fields(
        await post({ content_type: "text", text_content: "x", skill_version_id: "skv_01J0000000000000000000000X" }),
      ),
    ).toContain("skill_id");
    expect((await json<{ data: unknown[] }>(await call("/v1/content", { token: tenant.ownerKey }))).data).toEqual([]);
  });

  it("records selection and approval; approving selects, unselecting unapproves", async () => {
    const tenant = await createTenant();
    const content = await record(tenant);
    const patch = (body: unknown) =>
      call(`/v1/content/${content.id}`, { method: "PATCH", token: tenant.ownerKey, body });
    expect(await json(await patch({ user_selected: true }))).toMatchObject({
      user_selected: true,
      user_approved: false,
    });
    expect(await json(await patch({ user_approved: true }))).toMatchObject({
      user_selected: true,
      user_approved: true,
    });
    expect(await json(await patch({ user_selected: false }))).toMatchObject({
      user_selected: false,
      user_approved: false,
    });
    expect((await patch({})).status).toBe(400);
  });

  it("lists newest first with a cursor and filters", async () => {
    const tenant = await createTenant();
    const made: Content[] = [];
    for (let i = 0; i < 5; i++) made.push(await record(tenant, { request_id: i < 2 ? "batch-a" : "batch-b" }));
    await call(`/v1/content/${made[1]?.id}`, {
      method: "PATCH",
      token: tenant.ownerKey,
      body: { user_approved: true },
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: Content[]; next_cursor: string | null } = await json(
        await call(`/v1/content?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token: tenant.ownerKey }),
      );
      seen.push(...page.data.map((c) => c.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(made.map((c) => c.id).reverse());
    const batchA = await json<{ data: Content[] }>(
      await call("/v1/content?request_id=batch-a", { token: tenant.ownerKey }),
    );
    expect(batchA.data.map((c) => c.id).sort()).toEqual([made[0]?.id, made[1]?.id].sort());
    const approved = await json<{ data: Content[] }>(
      await call("/v1/content?approved=true", { token: tenant.ownerKey }),
    );
    expect(approved.data.map((c) => c.id)).toEqual([made[1]?.id]);
  });
});

describe("content feedback", () => {
  it("records revisions with labels and confidence; an approval revision approves the content", async () => {
    const tenant = await createTenant();
    const content = await record(tenant, { request_id: "req-7" });
    const res = await call(`/v1/content/${content.id}/revisions`, {
      token: tenant.ownerKey,
      body: {
        classification: "defect",
        confidence: 0.82,
        labels_defect: ["low_contrast", "text_overlap"],
        revision_type: "regenerate",
        user_notes: "Text unreadable on the photo",
      },
    });
    expect(res.status).toBe(201);
    expect(await json(res)).toMatchObject({
      request_id: "req-7",
      content_id: content.id,
      classification: "defect",
      confidence: 0.82,
      labels_defect: ["low_contrast", "text_overlap"],
      labels_preference: [],
    });
    await call(`/v1/content/${content.id}/revisions`, {
      token: tenant.ownerKey,
      body: { classification: "preference", labels_preference: ["tone_adjustment"], revision_type: "approved" },
    });
    const page = await json<{ data: { classification: string }[] }>(
      await call(`/v1/content/${content.id}/revisions`, { token: tenant.ownerKey }),
    );
    expect(page.data.map((r) => r.classification)).toEqual(["defect", "preference"]);
    expect(await json(await call(`/v1/content/${content.id}`, { token: tenant.ownerKey }))).toMatchObject({
      user_selected: true,
      user_approved: true,
    });
    const dup = await call(`/v1/content/${content.id}/revisions`, {
      token: tenant.ownerKey,
      body: { classification: "defect", labels_defect: ["a", "a"], revision_type: "regenerate" },
    });
    expect(await fields(dup)).toEqual(["labels_defect"]);
  });

  it("records guard runs and keeps the summary on each guard's latest result", async () => {
    const tenant = await createTenant();
    const content = await record(tenant);
    const run = (results: unknown[]) =>
      call(`/v1/content/${content.id}/guards`, { token: tenant.ownerKey, body: { results } });
    const first = await run([
      {
        guard_id: "contrast",
        pass: false,
        metrics: { ratio: 2.1 },
        auto_fixed: true,
        action_taken: "Added text shadow",
      },
      { guard_id: "safe_margin", pass: true },
      { guard_id: "logo_protection", pass: true },
    ]);
    expect(first.status).toBe(201);
    expect((await json<{ summary: unknown }>(first)).summary).toEqual({
      guards_passed: 2,
      guards_failed: 1,
      guard_pass_rate: 2 / 3,
    });
    const second = await json<{ summary: unknown }>(
      await run([{ guard_id: "contrast", pass: true, metrics: { ratio: 4.8 } }]),
    );
    expect(second.summary).toEqual({ guards_passed: 3, guards_failed: 0, guard_pass_rate: 1 });
    const listed = await json<{ data: { guard_id: string; auto_fixed: boolean }[] }>(
      await call(`/v1/content/${content.id}/guards`, { token: tenant.ownerKey }),
    );
    expect(listed.data).toHaveLength(4);
    expect(listed.data.filter((g) => g.auto_fixed).map((g) => g.guard_id)).toEqual(["contrast"]);
    expect(await fields(await run([{ guard_id: "x", pass: false, auto_fixed: true }]))).toEqual([
      "results.0.action_taken",
    ]);
    expect(
      await fields(
        await run([
          { guard_id: "x", pass: true },
          { guard_id: "x", pass: false },
        ]),
      ),
    ).toEqual(["results"]);
  });

  it("answers 404 for another tenant's content on every feedback route, writing nothing", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const theirs = await record(other);
    const attempts = [
      call(`/v1/content/${theirs.id}`, { token: tenant.ownerKey }),
      call(`/v1/content/${theirs.id}`, { method: "PATCH", token: tenant.ownerKey, body: { user_approved: true } }),
      call(`/v1/content/${theirs.id}/revisions`, { token: tenant.ownerKey }),
      call(`/v1/content/${theirs.id}/revisions`, {
        token: tenant.ownerKey,
        body: { classification: "defect", revision_type: "regenerate" },
      }),
      call(`/v1/content/${theirs.id}/guards`, { token: tenant.ownerKey }),
      call(`/v1/content/${theirs.id}/guards`, {
        token: tenant.ownerKey,
        body: { results: [{ guard_id: "x", pass: false }] },
      }),
    ];
    for (const res of await Promise.all(attempts)) expect(res.status).toBe(404);
    expect(await json(await call(`/v1/content/${theirs.id}`, { token: other.ownerKey }))).toMatchObject({
      user_approved: false,
      guards_failed: null,
    });
  });
});
