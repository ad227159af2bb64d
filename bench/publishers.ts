// Tenants that publish, for the publishing benchmarks: each a tenant with a LinkedIn
// window of `limit`, an API key allowed to publish, and a connected sandbox account.
import type { ApiClient } from "../scripts/api-client.ts";
import { TEST_SECRETS } from "../test/support/test-secrets.ts";

export interface Publisher {
  tenantId: string;
  key: string;
  accountId: string;
}

let sequence = 0;

export async function makePublisher(client: ApiClient, limit: number): Promise<Publisher> {
  sequence += 1;
  const { tenantId, ownerKey, ownerSession } = await client.createTenant(TEST_SECRETS.ADMIN_TOKEN, {
    name: `Bench ${sequence}`,
    settings: { rate_limits: { linkedin: { limit } } },
    ownerEmail: `owner${sequence}@bench.example`,
  });
  const key = await client.createKey(await ownerSession(), ["publish", "read:posts"], 1_000_000);
  const account = await client.connectSandboxAccount(ownerKey, "linkedin", `bench${sequence}`);
  return { tenantId, key, accountId: account.id };
}

/** Request `i` of a load: a fresh post sent to `path` by publisher i mod n. */
export function postTo(client: ApiClient, path: string, publishers: Publisher[]) {
  return (i: number) => {
    const p = publishers[i % publishers.length] as Publisher;
    return client.raw(path, {
      token: p.key,
      body: { account_id: p.accountId, text: `Bench post ${i} ${Math.random()}` },
    });
  };
}
