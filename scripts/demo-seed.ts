// The demo tenant `npm start` prepares (and the dashboard's browser test uses): a
// tenant, a dashboard key, one sandbox account per platform and a few published
// posts whose engagement the sandbox keeps growing. Everything goes through the
// public API, as a client would. Idempotent: a recorded demo that still answers is
// reused; one whose storage was wiped is made again.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export interface Demo {
  tenantId: string;
  /** The owner's key (every scope). */
  ownerKey: string;
  /** What the dashboard signs in with: reads posts and analytics, sends events. */
  dashboardKey: string;
  accounts: { id: string; platform: string }[];
  posts: { id: string; platform: string }[];
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

class DemoApi {
  private readonly origin: string;

  constructor(origin: string) {
    this.origin = origin;
  }

  async call<T>(path: string, init: { method?: string; token?: string; body?: unknown } = {}): Promise<T> {
    const response = await this.raw(path, init);
    const text = await response.text();
    if (!response.ok) throw new Error(`${init.method ?? "GET"} ${path} answered ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  raw(path: string, init: { method?: string; token?: string; body?: unknown } = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    if (init.token) headers.Authorization = `Bearer ${init.token}`;
    if (init.body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(new URL(path, this.origin), {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      redirect: "manual",
    });
  }
}

/** Connects a sandbox account the way a browser would: connect, authorize, callback. */
async function connect(api: DemoApi, ownerKey: string, platform: string, loginHint: string) {
  const { authorize_url } = await api.call<{ authorize_url: string }>(`/v1/social-accounts/${platform}/connect`, {
    token: ownerKey,
    body: { login_hint: loginHint },
  });
  const approved = await api.raw(new URL(authorize_url).pathname + new URL(authorize_url).search);
  const location = approved.headers.get("Location");
  if (approved.status !== 302 || !location) throw new Error(`the ${platform} sandbox did not approve`);
  const callback = new URL(location, authorize_url);
  const landed = await api.call<{ accounts: { id: string; platform: string }[] }>(callback.pathname + callback.search);
  const account = landed.accounts[0];
  if (!account) throw new Error(`no ${platform} account connected`);
  return account;
}

async function create(api: DemoApi, adminToken: string): Promise<Demo> {
  const suffix = Date.now().toString(36);
  const created = await api.call<{ tenant: { id: string }; api_key: { key: string } }>("/v1/tenants", {
    token: adminToken,
    body: {
      name: "Northwest Rebar (demo)",
      region: "eu-west",
      owner: { email: `demo-${suffix}@example.com`, password: `demo-${crypto.randomUUID()}`, full_name: "Demo Owner" },
    },
  });
  const ownerKey = created.api_key.key;
  const dashboard = await api.call<{ key: string }>("/v1/api-keys", {
    token: ownerKey,
    body: { scopes: ["read:posts", "read:analytics", "write:analytics"] },
  });
  const accounts: Demo["accounts"] = [];
  const posts: Demo["posts"] = [];
  for (const platform of PLATFORMS) {
    const account = await connect(api, ownerKey, platform, `demo${platform.slice(0, 2)}${suffix}`);
    accounts.push({ id: account.id, platform });
    for (const text of POSTS[platform]) {
      const post = await api.call<{ id: string }>("/v1/posts", {
        token: ownerKey,
        body: {
          account_id: account.id,
          text,
          ...(platform === "instagram" ? { image_url: "https://cdn.example.com/demo/bender.jpg" } : {}),
        },
      });
      posts.push({ id: post.id, platform });
    }
  }
  return { tenantId: created.tenant.id, ownerKey, dashboardKey: dashboard.key, accounts, posts };
}

/** The recorded demo if its key still opens the dashboard. */
async function stillThere(api: DemoApi, demo: Demo): Promise<boolean> {
  const response = await api.raw("/v1/live/ticket", { method: "POST", token: demo.dashboardKey });
  await response.body?.cancel();
  return response.status === 201;
}

export async function seedDemo(options: {
  origin: string;
  adminToken: string;
  /** Where the demo is recorded between runs; none: always a new one. */
  statePath?: string;
}): Promise<{ demo: Demo; reused: boolean }> {
  const api = new DemoApi(options.origin);
  if (options.statePath && existsSync(options.statePath)) {
    const recorded = JSON.parse(readFileSync(options.statePath, "utf8")) as Demo;
    if (await stillThere(api, recorded)) return { demo: recorded, reused: true };
  }
  const demo = await create(api, options.adminToken);
  if (options.statePath) {
    mkdirSync(dirname(options.statePath), { recursive: true });
    writeFileSync(options.statePath, `${JSON.stringify(demo, null, 2)}\n`, { mode: 0o600 });
  }
  return { demo, reused: false };
}
