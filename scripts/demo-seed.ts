// The demo tenant `npm start` prepares (and the dashboard's browser test uses): a
// tenant, a dashboard key, one sandbox account per platform, a few published posts whose
// engagement the sandbox keeps growing, and an agent's draft waiting for approval
// (docs/approvals.md), so a newcomer sees the queue on the dashboard. Everything goes through the
// public API with the typed client (client/), as a client would. Idempotent: a recorded demo that still answers is
// reused; one whose storage was wiped is made again.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { type ApiClient, bearer, createApiClient, ok } from "../client/index.ts";
import { connectSandboxAccount } from "../client/sandbox-browser.ts";
import { createKey, createTenant } from "../client/tenants.ts";

export interface Demo {
  tenantId: string;
  /** The owner's key (every scope). */
  ownerKey: string;
  /** What the dashboard signs in with: reads posts and analytics, sends events, approves posts. */
  dashboardKey: string;
  /** An agent's key (kind agent): what it drafts waits for an approver. */
  agentKey?: string;
  /** The agent's drafts waiting for approval. */
  waiting?: { id: string; platform: string }[];
  accounts: { id: string; platform: string }[];
  posts: { id: string; platform: string }[];
  /**
   * The development receiver the demo's webhook endpoint points at (docs/webhooks.md,
   * "Trying it locally"): open it to see every event that arrived, signature checked.
   */
  webhookReceiver?: string;
}

const PLATFORMS = ["linkedin", "twitter", "facebook", "instagram"] as const;

const POSTS: Record<(typeof PLATFORMS)[number], string[]> = {
  linkedin: [
    "We cut rebar lead times to next-day delivery across the North West. Here is how the yard changed.",
    "Three things site managers told us about ordering steel in winter.",
  ],
  twitter: ["Next-day rebar, cut and bent to schedule. Order by 2pm.", "Mesh back in stock: A142 and A193 sheets."],
  facebook: ["Open day at the Warrington yard this Saturday: tours every hour, bacon rolls all morning."],
  instagram: ["Fresh off the bender: 12 mm shapes for a basement slab."],
};

async function create(api: ApiClient, origin: string, adminToken: string): Promise<Demo> {
  const suffix = Date.now().toString(36);
  const { tenantId, ownerKey } = await createTenant(api, adminToken, {
    name: "Northwest Rebar (demo)",
    ownerEmail: `demo-${suffix}@example.com`,
  });
  const dashboardKey = await createKey(api, ownerKey, [
    "read:posts",
    "read:analytics",
    "write:analytics",
    "approve:posts",
  ]);
  const webhookReceiver = await webhookEndpoint(origin, ownerKey, `demo-${suffix}`);
  const accounts: Demo["accounts"] = [];
  const posts: Demo["posts"] = [];
  for (const platform of PLATFORMS) {
    const hint = `demo${platform.slice(0, 2)}${suffix}`;
    const account = await connectSandboxAccount(api, origin, ownerKey, platform, hint);
    accounts.push({ id: account.id, platform });
    for (const text of POSTS[platform]) {
      const body = {
        account_id: account.id,
        text,
        ...(platform === "instagram" ? { image_url: "https://cdn.example.com/demo/bender.jpg" } : {}),
      };
      const post = await ok(api.POST("/v1/posts", { ...bearer(ownerKey), body }));
      posts.push({ id: post.id, platform });
    }
  }
  const { agentKey, waiting } = await agentDraft(api, ownerKey, accounts);
  return { tenantId, ownerKey, dashboardKey, agentKey, waiting, accounts, posts, webhookReceiver };
}

/**
 * An agent's key and its draft on LinkedIn, which waits for approval under the tenant's
 * default setting (approvals.required_for: agents): the dashboard's queue shows it.
 */
async function agentDraft(
  api: ApiClient,
  ownerKey: string,
  accounts: Demo["accounts"],
): Promise<{ agentKey: string; waiting: NonNullable<Demo["waiting"]> }> {
  const made = await ok(
    api.POST("/v1/api-keys", { ...bearer(ownerKey), body: { scopes: ["publish", "read:posts"], kind: "agent" } }),
  );
  const account = accounts.find((a) => a.platform === "linkedin");
  if (!account) throw new Error("the demo has no LinkedIn account");
  const body = {
    account_id: account.id,
    text: "Steel prices held steady this month. Lock in next-day rebar at today's rate: order by Friday.",
    hashtags: ["Rebar", "Construction"],
  };
  const draft = await ok(api.POST("/v1/posts", { ...bearer(made.key), body }));
  if (draft.status !== "pending_approval") throw new Error(`the agent's draft is ${draft.status}, not waiting`);
  return { agentKey: made.key, waiting: [{ id: draft.id, platform: account.platform }] };
}

/**
 * A webhook endpoint for every event on the Worker's own development receiver, which is
 * given the endpoint's secret so it checks each signature. Made before the demo publishes,
 * so its posts' events arrive there. The receiver's URL.
 */
async function webhookEndpoint(origin: string, ownerKey: string, name: string): Promise<string> {
  const url = `${origin}/sandbox/webhook-receiver/${name}`;
  const created = await fetch(`${origin}/v1/webhook-endpoints`, {
    method: "POST",
    headers: { Authorization: `Bearer ${ownerKey}`, "Content-Type": "application/json" },
    body: JSON.stringify({ url, events: ["*"], description: "The demo's development receiver" }),
  });
  if (created.status !== 201) throw new Error(`webhook endpoint: ${created.status} ${await created.text()}`);
  const { secret } = (await created.json()) as { secret: string };
  const told = await fetch(`${url}/secret`, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ secret }),
  });
  if (told.status !== 204) throw new Error(`webhook receiver: ${told.status} ${await told.text()}`);
  return url;
}

/** The recorded demo if its key still opens the dashboard. */
async function stillThere(api: ApiClient, demo: Demo): Promise<boolean> {
  const { response } = await api.POST("/v1/live/ticket", bearer(demo.dashboardKey));
  return response.status === 201;
}

export async function seedDemo(options: {
  origin: string;
  adminToken: string;
  /** Where the demo is recorded between runs; none: always a new one. */
  statePath?: string;
}): Promise<{ demo: Demo; reused: boolean }> {
  const api = createApiClient(options.origin);
  if (options.statePath && existsSync(options.statePath)) {
    const recorded = JSON.parse(readFileSync(options.statePath, "utf8")) as Demo;
    if (await stillThere(api, recorded)) return { demo: recorded, reused: true };
  }
  const demo = await create(api, options.origin, options.adminToken);
  if (options.statePath) {
    mkdirSync(dirname(options.statePath), { recursive: true });
    writeFileSync(options.statePath, `${JSON.stringify(demo, null, 2)}\n`, { mode: 0o600 });
  }
  return { demo, reused: false };
}
