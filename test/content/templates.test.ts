// Templates: the round trip, archiving, and deletion refused once content uses one.
import { describe, expect, it } from "vitest";
import { call, json } from "../support/http";
import { createTenant } from "../support/tenants";

const TEMPLATE = {
  name: "Product Launch",
  template_type: "social_post",
  platform: "linkedin",
  structure: { layout: "3-column", blocks: [{ kind: "image" }] },
  default_copy_blocks: [{ name: "headline", max_chars: 60 }],
};

describe("templates", () => {
  it("are created, listed by filter, changed and archived", async () => {
    const tenant = await createTenant();
    const res = await call("/v1/templates", { token: tenant.ownerKey, body: TEMPLATE });
    expect(res.status).toBe(201);
    const made = await json<{ id: string }>(res);
    expect(made).toMatchObject({ ...TEMPLATE, constraints: null, status: "active", use_count: 0, last_used_at: null });
    await call("/v1/templates", { token: tenant.ownerKey, body: { ...TEMPLATE, platform: "instagram" } });
    const linkedin = await json<{ data: { id: string }[] }>(
      await call("/v1/templates?platform=linkedin", { token: tenant.ownerKey }),
    );
    expect(linkedin.data.map((t) => t.id)).toEqual([made.id]);
    const archived = await call(`/v1/templates/${made.id}`, {
      method: "PATCH",
      token: tenant.ownerKey,
      body: { status: "archived", constraints: { min_font_pt: 22 } },
    });
    expect(await json(archived)).toMatchObject({ status: "archived", constraints: { min_font_pt: 22 } });
  });

  it("pages with a cursor, never repeating or skipping", async () => {
    const tenant = await createTenant();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (await json<{ id: string }>(await call("/v1/templates", { token: tenant.ownerKey, body: TEMPLATE }))).id,
      );
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const path: string = `/v1/templates?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page: { data: { id: string }[]; next_cursor: string | null } = await json(
        await call(path, { token: tenant.ownerKey }),
      );
      seen.push(...page.data.map((t) => t.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(ids);
  });

  it("cannot be deleted once content was generated from them", async () => {
    const tenant = await createTenant();
    const template = await json<{ id: string }>(
      await call("/v1/templates", { token: tenant.ownerKey, body: TEMPLATE }),
    );
    const content = await call("/v1/content", {
      token: tenant.ownerKey,
      body: {
        intent_spec: { goal: "launch" },
        content_type: "text",
        text_content: "New rebar",
        template_id: template.id,
      },
    });
    expect(content.status).toBe(201);
    const used = await json<{ use_count: number }>(
      await call(`/v1/templates/${template.id}`, { token: tenant.ownerKey }),
    );
    expect(used.use_count).toBe(1);
    const del = await call(`/v1/templates/${template.id}`, { method: "DELETE", token: tenant.ownerKey });
    expect(del.status).toBe(409);
    const unused = await json<{ id: string }>(await call("/v1/templates", { token: tenant.ownerKey, body: TEMPLATE }));
    expect((await call(`/v1/templates/${unused.id}`, { method: "DELETE", token: tenant.ownerKey })).status).toBe(204);
    expect((await call(`/v1/templates/${unused.id}`, { token: tenant.ownerKey })).status).toBe(404);
  });
});
