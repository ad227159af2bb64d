// The publishing client docs/client.md shows (client/examples/publish.ts), run against the Worker:
// an account connected through a user's browser, a publish that meets a 429 from the
// platform and goes through after its Retry-After with the same Idempotency-Key, the
// same key answering the same post again, and the post's analytics read back. The 429s
// are X's, whose x-rate-limit-reset names the second its window resets: LinkedIn's names
// no time and is held until midnight UTC (src/core/platforms/linkedin-limits.ts), longer
// than the client waits.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyticsOf, connectAccount, launch, publish } from "../client/examples/publish.ts";
import { ApiError, createApiClient } from "../client/index.ts";
import { SandboxBrowser } from "../client/sandbox-browser.ts";
import { createTenant } from "../client/tenants.ts";
import { TEST_SECRETS } from "../test/support/test-secrets.ts";
import { type RunningWorker, startWorker } from "./support/worker";

/** A sandbox's control panel (not the product's API): a plain request with the operator's token. */
async function sandboxControl(
  worker: RunningWorker,
  platform: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  return fetch(new URL(`/sandbox/${platform}/_control${path}`, worker.url), {
    method: body === undefined ? "GET" : "POST",
    headers: { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}`, "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe("the publishing client of docs/client.md", () => {
  let worker: RunningWorker;
  let ownerKey: string;

  beforeAll(async () => {
    worker = await startWorker();
    ({ ownerKey } = await createTenant(createApiClient(worker.url), TEST_SECRETS.ADMIN_TOKEN, { name: "Client" }));
  });

  afterAll(async () => {
    await worker?.close();
  });

  const openIn = (browser: SandboxBrowser) => async (url: string) => {
    await browser.approve(url);
  };

  it("connects, waits out a 429 by its Retry-After, publishes once per key, reads the analytics", async () => {
    const api = createApiClient(worker.url, { token: ownerKey });
    const account = await connectAccount(api, "twitter", openIn(new SandboxBrowser(worker.url.origin)));
    expect(account).toMatchObject({ platform: "twitter", status: "active" });
    const user = account.platform_user_id;
    // The platform answers the first publish 429, its window resetting in a second.
    const fault = { kind: "rate_limit_429", endpoint: "publish", user_id: user, params: { reset_seconds: 1 } };
    expect((await sandboxControl(worker, "twitter", "/faults", fault)).status).toBe(201);

    const key = crypto.randomUUID();
    const post = await publish(api, { account_id: account.id, text: "Mesh back in stock." }, key);
    expect(post).toMatchObject({ account_id: account.id, status: "published" });
    const state = (await (await sandboxControl(worker, "twitter", `/state?user_id=${user}`)).json()) as {
      counters: Record<string, number>;
    };
    // Sent twice: refused with 429, then published after the wait.
    expect(state.counters.publish).toBe(2);

    // The same key answers the same post, and nothing more is sent.
    const again = await api.POST("/v1/posts", {
      params: { header: { "idempotency-key": key } },
      body: { account_id: account.id, text: "Mesh back in stock." },
    });
    expect(again.data?.id).toBe(post.id);
    expect(again.response.headers.get("Idempotent-Replayed")).toBe("true");

    const figures = await analyticsOf(api, post.id);
    expect(figures).toMatchObject({ post_id: post.id, platform: "twitter", account_id: account.id });
  });

  it("throws at once a 429 whose Retry-After is longer than it waits, having sent once", async () => {
    const api = createApiClient(worker.url, { token: ownerKey });
    const account = await connectAccount(api, "twitter", openIn(new SandboxBrowser(worker.url.origin)));
    const user = account.platform_user_id;
    const fault = { kind: "rate_limit_429", endpoint: "publish", user_id: user, params: { reset_seconds: 900 } };
    expect((await sandboxControl(worker, "twitter", "/faults", fault)).status).toBe(201);

    const refused = await publish(api, { account_id: account.id, text: "Mesh due Friday." }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(429);
    expect(Number((refused as ApiError).headers.get("Retry-After"))).toBeGreaterThan(60);
    const state = (await (await sandboxControl(worker, "twitter", `/state?user_id=${user}`)).json()) as {
      counters: Record<string, number>;
    };
    expect(state.counters.publish).toBe(1);
  });

  it("runs the whole story as docs/client.md shows it", async () => {
    const { account, post, figures } = await launch(
      worker.url.origin,
      ownerKey,
      openIn(new SandboxBrowser(worker.url.origin)),
    );
    expect(post).toMatchObject({ account_id: account.id, status: "published" });
    expect(figures.post_id).toBe(post.id);
  });

  it("is what docs/client.md shows, line for line", () => {
    const section = readFileSync("docs/client.md", "utf8");
    const shown = section.slice(section.indexOf("```ts\n") + 6, section.indexOf("\n```", section.indexOf("```ts\n")));
    const file = readFileSync("client/examples/publish.ts", "utf8");
    expect(`${shown}\n`).toBe(file.slice(file.indexOf("import ")));
  });
});
