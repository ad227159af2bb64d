// Tenants that publish, for the publishing benchmarks: each a tenant with a LinkedIn
// window of `limit`, an API key allowed to publish, and a connected sandbox account. The
// operator lifts the plan's posts a month (docs/billing.md), which a run's thousands of
// posts would otherwise reach: the window is what is measured.
import { bearer } from "../client/index.ts";
import { connectSandboxAccount } from "../client/sandbox-browser.ts";
import { createKey, createTenant } from "../client/tenants.ts";
import { TEST_SECRETS } from "../test/support/test-secrets.ts";
import type { BenchClient } from "./bench-client.ts";

export interface Publisher {
  tenantId: string;
  key: string;
  accountId: string;
}

let sequence = 0;

export async function makePublisher(client: BenchClient, origin: string, limit: number): Promise<Publisher> {
  sequence += 1;
  const { tenantId, ownerKey, ownerSession } = await createTenant(client, TEST_SECRETS.ADMIN_TOKEN, {
    name: `Bench ${sequence}`,
    settings: { rate_limits: { linkedin: { limit } }, max_posts_per_month: 10_000_000 },
    ownerEmail: `owner${sequence}@bench.example`,
  });
  const key = await createKey(client, await ownerSession(), ["publish", "read:posts"], 1_000_000);
  const account = await connectSandboxAccount(client, origin, ownerKey, "linkedin", `bench${sequence}`);
  return { tenantId, key, accountId: account.id };
}

/** Request `i` of a load: a fresh post sent to `path` by publisher i mod n; its answer. */
export function postTo(client: BenchClient, path: "/v1/posts" | "/bench/d1-admission", publishers: Publisher[]) {
  return async (i: number): Promise<Response> => {
    const p = publishers[i % publishers.length] as Publisher;
    const body = { account_id: p.accountId, text: `Bench post ${i} ${Math.random()}` };
    return (await client.POST(path, { ...bearer(p.key), body })).response;
  };
}
