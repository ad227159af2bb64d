import { createTestHarness } from "wrangler";
import { TEST_SECRETS } from "../test/support/test-secrets.ts";
import { runLoad } from "./load.ts";
process.env.WRANGLER_SEND_METRICS = "false"; process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false"; process.env.WRANGLER_WRITE_LOGS="false";
const server = createTestHarness({ workers: [{ configPath: "./wrangler.toml", secrets: { ...TEST_SECRETS }, vars: { BENCH_ROUTES: "on" } }] });
const { url } = await server.listen();
await server.getWorker().applyD1Migrations("DB");
const o = url.origin;
const j = (r: Response) => r.json() as Promise<any>;
const created = await j(await fetch(o + "/v1/tenants", { method: "POST", headers: { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}`, "Content-Type": "application/json" }, body: JSON.stringify({ name: "P", region: "eu-west", settings: { rate_limits: { linkedin: { limit: 100000 } } }, owner: { email: "p@x.example", password: "bench password 123" } }) }));
const key = created.api_key.key;
const keyRes = await j(await fetch(o + "/v1/api-keys", { method: "POST", headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" }, body: JSON.stringify({ scopes: ["publish", "read:posts", "read:users"], rate_limit_per_hour: 1000000 }) }));
const k = keyRes.key;
const start = await j(await fetch(o + "/v1/social-accounts/linkedin/connect", { method: "POST", headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" }, body: "{}" }));
const ap = await fetch(start.authorize_url.replace(/^https?:\/\/[^/]+/, o), { redirect: "manual" });
const cb = new URL(ap.headers.get("Location")!);
const acc = (await j(await fetch(o + cb.pathname + cb.search))).accounts[0].id;
const paths: [string, (i: number) => Promise<Response>][] = [
  ["noop", () => fetch(o + "/bench/noop")],
  ["GET /v1/me (auth+DO admit)", () => fetch(o + "/v1/me", { headers: { Authorization: `Bearer ${k}` } })],
  ["GET /v1/posts?limit=1", () => fetch(o + "/v1/posts?limit=1", { headers: { Authorization: `Bearer ${k}` } })],
  ["sandbox userinfo", () => fetch(o + "/bench/sandbox")],
  ["POST /v1/posts", (i) => fetch(o + "/v1/posts", { method: "POST", headers: { Authorization: `Bearer ${k}`, "Content-Type": "application/json" }, body: JSON.stringify({ account_id: acc, text: `p ${i}` }) })],
];
for (const round of [0, 1]) for (const [name, f] of paths) { const r = await runLoad(800, 32, f); if (round) console.log(name.padEnd(30), r.rps.toFixed(0), (1000 / r.rps).toFixed(2) + "ms", JSON.stringify(r.statuses)); }
await server.close();
