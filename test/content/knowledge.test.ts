// The knowledge base and its search. Another tenant's entries never come back,
// whatever the request says; hits are counted as accesses.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { knowledgeIndex } from "../../src/core/vector/knowledge-vectors";
import { call, json } from "../support/http";
import { createTenant, type TestTenant } from "../support/tenants";
import { embedding, near } from "./vectors";

interface Entry {
  id: string;
  title: string;
  entry_type: string;
  category: string | null;
  access_count: number;
  last_accessed_at: string | null;
  status: string;
}
interface SearchResult {
  matches: { score: number; entry: Entry }[];
}

async function add(tenant: TestTenant, body: Record<string, unknown>): Promise<Entry> {
  const res = await call("/v1/knowledge", {
    token: tenant.ownerKey,
    body: { title: "Tone", entry_type: "guideline", content: "Plain, confident, no jargon.", ...body },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return json<Entry>(res);
}

function search(tenant: TestTenant, body: unknown, headers: Record<string, string> = {}) {
  return call("/v1/knowledge/search", { token: tenant.ownerKey, body, headers });
}

const topic = embedding();
let mine: TestTenant;
let theirs: TestTenant;
const mineIds: string[] = [];
const theirIds: string[] = [];

beforeAll(async () => {
  mine = await createTenant();
  theirs = await createTenant({ name: "Rival Steel Ltd" });
  // The other tenant's entries sit even closer to the query than ours.
  for (const [i, type] of ["guideline", "faq", "example"].entries()) {
    mineIds.push((await add(mine, { embedding: near(topic, 0.3), entry_type: type, category: `cat-${i}` })).id);
    theirIds.push((await add(theirs, { embedding: near(topic, 0.01), entry_type: type, category: `cat-${i}` })).id);
  }
});

describe("knowledge search", () => {
  it("answers only the caller's entries, best first", async () => {
    const res = await search(mine, { vector: topic, top_k: 50 });
    expect(res.status).toBe(200);
    const { matches } = await json<SearchResult>(res);
    expect(matches.map((m) => m.entry.id).sort()).toEqual([...mineIds].sort());
    const scores = matches.map((m) => m.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const other = await json<SearchResult>(await search(theirs, { vector: topic, top_k: 50 }));
    expect(other.matches.map((m) => m.entry.id).sort()).toEqual([...theirIds].sort());
  });

  it("refuses every attempt to name a tenant, and changes nothing", async () => {
    const attempts: unknown[] = [
      { vector: topic, tenant_id: theirs.tenantId },
      { vector: topic, namespace: theirs.tenantId },
      { vector: topic, filter: { tenant_id: theirs.tenantId } },
      { vector: topic, filter: { tenant_id: { $in: [theirs.tenantId, mine.tenantId] } } },
      { vector: topic, filter: { category: { $ne: "x" } } },
      { vector: topic, filter: { entry_type: "guideline", "tenant_id.$ne": mine.tenantId } },
    ];
    for (const body of attempts) {
      const res = await search(mine, body);
      expect(res.status, JSON.stringify(Object.keys(body as object))).toBe(400);
      expect(await res.text()).not.toContain(theirIds[0]);
    }
    const named = await json<{ errors: { field: string }[] }>(
      await search(mine, { vector: topic, filter: { tenant_id: theirs.tenantId } }),
    );
    expect(named.errors.map((e) => e.field)).toContain("filter.tenant_id");
    // Tenant hints outside the body are not read at all.
    const hinted = await call(`/v1/knowledge/search?tenant_id=${theirs.tenantId}`, {
      token: mine.ownerKey,
      body: { vector: topic, top_k: 50 },
      headers: { "X-Tenant-Id": theirs.tenantId },
    });
    const { matches } = await json<SearchResult>(hinted);
    for (const match of matches) expect(mineIds, `${match.entry.id} is not mine`).toContain(match.entry.id);
  });

  it("filters by entry type and category, one value or several", async () => {
    const faq = await json<SearchResult>(await search(mine, { vector: topic, filter: { entry_type: "faq" } }));
    expect(faq.matches.map((m) => m.entry.entry_type)).toEqual(["faq"]);
    const two = await json<SearchResult>(
      await search(mine, {
        vector: topic,
        filter: { category: ["cat-0", "cat-2"], entry_type: ["guideline", "example"] },
      }),
    );
    expect(two.matches.map((m) => m.entry.category).sort()).toEqual(["cat-0", "cat-2"]);
    const top = await json<SearchResult>(await search(mine, { vector: topic, top_k: 1 }));
    expect(top.matches).toHaveLength(1);
  });

  it("never surfaces a foreign row, even if the index held one in the caller's namespace", async () => {
    // Simulate a corrupt index: another tenant's entry id under our namespace and tenant id.
    await knowledgeIndex(env).upsert([
      {
        id: theirIds[0] as string,
        namespace: mine.tenantId,
        values: topic,
        metadata: { tenant_id: mine.tenantId, entry_type: "guideline" },
      },
    ]);
    const { matches } = await json<SearchResult>(await search(mine, { vector: topic, top_k: 50 }));
    expect(matches.map((m) => m.entry.id)).not.toContain(theirIds[0]);
    expect(matches.map((m) => m.entry.id).sort()).toEqual([...mineIds].sort());
    await knowledgeIndex(env).deleteByIds([theirIds[0] as string]);
  });

  it("skips archived, deleted and unembedded entries, and finds them again when active", async () => {
    const tenant = await createTenant();
    const vector = embedding();
    const kept = await add(tenant, { embedding: near(vector, 0.2) });
    const archived = await add(tenant, { embedding: near(vector, 0.1) });
    const deleted = await add(tenant, { embedding: near(vector, 0.1) });
    await add(tenant, { title: "No embedding" });
    await call(`/v1/knowledge/${archived.id}`, {
      method: "PATCH",
      token: tenant.ownerKey,
      body: { status: "archived" },
    });
    expect((await call(`/v1/knowledge/${deleted.id}`, { method: "DELETE", token: tenant.ownerKey })).status).toBe(204);
    const ids = async () =>
      (await json<SearchResult>(await search(tenant, { vector, top_k: 50 }))).matches.map((m) => m.entry.id);
    expect(await ids()).toEqual([kept.id]);
    await call(`/v1/knowledge/${archived.id}`, { method: "PATCH", token: tenant.ownerKey, body: { status: "active" } });
    expect((await ids()).sort()).toEqual([kept.id, archived.id].sort());
    // Re-embedding elsewhere moves it away from the query.
    await call(`/v1/knowledge/${archived.id}`, {
      method: "PATCH",
      token: tenant.ownerKey,
      body: { embedding: vector.map((v) => -v) },
    });
    expect((await json<SearchResult>(await search(tenant, { vector, top_k: 1 }))).matches[0]?.entry.id).toBe(kept.id);
  });

  it("counts each hit and each read by id as an access", async () => {
    const tenant = await createTenant();
    const vector = embedding();
    const entry = await add(tenant, { embedding: vector });
    const first = await json<SearchResult>(await search(tenant, { vector }));
    expect(first.matches[0]?.entry).toMatchObject({ id: entry.id, access_count: 1 });
    await search(tenant, { vector });
    const read = await json<Entry>(await call(`/v1/knowledge/${entry.id}`, { token: tenant.ownerKey }));
    expect(read.access_count).toBe(3);
    expect(read.last_accessed_at).toMatch(/Z$/);
    const listed = await json<{ data: Entry[] }>(await call("/v1/knowledge", { token: tenant.ownerKey }));
    expect(listed.data[0]?.access_count).toBe(3);
  });

  it("refuses an embedding of the wrong dimension naming the field, writing nothing", async () => {
    const tenant = await createTenant();
    const res = await call("/v1/knowledge", {
      token: tenant.ownerKey,
      body: { title: "x", entry_type: "faq", content: "y", embedding: embedding(1024) },
    });
    expect(res.status).toBe(400);
    expect((await json<{ errors: { field: string }[] }>(res)).errors.map((e) => e.field)).toEqual(["embedding"]);
    const listed = await json<{ data: Entry[] }>(await call("/v1/knowledge", { token: tenant.ownerKey }));
    expect(listed.data).toEqual([]);
  });
});
