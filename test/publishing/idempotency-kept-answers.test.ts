// An Idempotency-Key's first outcome outlives a deploy: the object keeps a typed
// outcome (objects/publishing/idempotency.ts), and a key kept by the earlier version,
// as the HTTP answer it gave (status 201, 202 or 422 and its body), replays that same
// answer. The earlier rows are written here as that version wrote them.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { connectAccount, publishBody, sandbox, sandboxUserOf } from "../support/accounts";
import { call, json } from "../support/http";
import { tenantObjectOf } from "../support/objects";
import { createTenant } from "../support/tenants";

type Post = { id: string; status: string };

/** Rewrites the key's row as the earlier version kept it: the answer's status and body. */
async function keepAsEarlierVersion(tenantId: string, key: string, status: number, body: unknown): Promise<void> {
  await runInDurableObject(tenantObjectOf(tenantId), (_instance: TenantObject, state) => {
    state.storage.sql.exec(
      "UPDATE idempotency SET status = ?, body = ? WHERE key = ?",
      status,
      JSON.stringify(body),
      key,
    );
  });
}

describe("an Idempotency-Key kept by the earlier version", () => {
  const cases = [
    { name: "a published post (201)", status: 201, body: (post: Post) => post },
    { name: "a scheduled or unknown post (202)", status: 202, body: (post: Post) => ({ ...post, status: "unknown" }) },
    {
      name: "a post the platform refused (422)",
      status: 422,
      body: (post: Post) => ({
        type: "/problems/platform-rejected",
        title: "The platform refused the post",
        status: 422,
        detail: "linkedin: the post was refused",
        post: { ...post, status: "failed" },
      }),
    },
  ];

  for (const kept of cases) {
    it(`replays ${kept.name} as it was answered, and publishes nothing more`, async () => {
      const tenant = await createTenant();
      const account = await connectAccount(tenant.ownerKey, "linkedin");
      const body = publishBody(account);
      const headers = { "Idempotency-Key": `kept-${kept.status}` };
      const first = await call("/v1/posts", { token: tenant.ownerKey, body, headers });
      expect(first.status, kept.name).toBe(201);
      const earlier = kept.body(await json<Post>(first));
      await keepAsEarlierVersion(tenant.tenantId, headers["Idempotency-Key"], kept.status, earlier);

      const again = await call("/v1/posts", { token: tenant.ownerKey, body, headers });
      expect(again.status, kept.name).toBe(kept.status);
      expect(again.headers.get("Idempotent-Replayed"), kept.name).toBe("true");
      const replayed = await json<Record<string, unknown>>(again);
      if (kept.status === 422) {
        const problem = earlier as Record<string, unknown>;
        expect(replayed, kept.name).toMatchObject({
          type: problem.type,
          status: 422,
          detail: problem.detail,
          post: problem.post,
        });
      } else {
        expect(replayed, kept.name).toEqual(earlier);
      }
      expect((await sandbox("linkedin").counters(sandboxUserOf(account))).publish, kept.name).toBe(1);
    });
  }
});
