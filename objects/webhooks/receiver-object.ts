// One WebhookReceiver per name: the development receiver of outgoing webhooks
// (src/core/webhooks/receiver.ts says what it is for). Bound only in development mode
// (wrangler.toml [env.dev]); in production the class exists (its migration cannot be
// taken back) but nothing can reach it, as with SandboxPlatform.
//
// HTTP (forwarded by src/router/routes/webhook-receiver.ts):
//   POST /sandbox/webhook-receiver/<name>         a delivery: recorded, answered 200 or the fault's status
//   GET  /sandbox/webhook-receiver/<name>         what it received, newest first (JSON)
//   PUT  /sandbox/webhook-receiver/<name>/secret  {"secret": "whsec_…"}: check signatures from now on
import { DurableObject } from "cloudflare:workers";
import { systemClock } from "../../src/core/clock";
import { RECEIVER_KEEPS, type ReceivedWebhook, type WebhookReceiverControls } from "../../src/core/webhooks/receiver";
import { verifySignature } from "../../src/core/webhooks/signature";
import { applyObjectMigrations, type ObjectMigration } from "../schema/migrate";

const MIGRATIONS: readonly ObjectMigration[] = [
  {
    version: 1,
    name: "receiver",
    sql: `
      CREATE TABLE received (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        webhook_id TEXT,
        type TEXT,
        body TEXT NOT NULL,
        signature TEXT,
        timestamp TEXT,
        verified INTEGER,
        answered INTEGER NOT NULL,
        received_at_ms INTEGER NOT NULL
      );
      -- Answers queued by the fault switch, used first in, first out.
      CREATE TABLE faults (seq INTEGER PRIMARY KEY AUTOINCREMENT, status INTEGER NOT NULL, remaining INTEGER NOT NULL);
      CREATE TABLE settings (name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;
    `,
  },
];

type ReceivedRow = {
  webhook_id: string | null;
  type: string | null;
  body: string;
  signature: string | null;
  timestamp: string | null;
  verified: number | null;
  answered: number;
  received_at_ms: number;
};

export class WebhookReceiver extends DurableObject<Env> implements WebhookReceiverControls {
  private readonly sql: SqlStorage;
  private readonly clock = systemClock;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    applyObjectMigrations(ctx.storage, MIGRATIONS);
    this.sql = ctx.storage.sql;
  }

  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (request.method === "PUT" && url.pathname.endsWith("/secret")) {
      const { secret } = (await request.json().catch(() => ({}))) as { secret?: unknown };
      if (typeof secret !== "string" || !secret.startsWith("whsec_")) {
        return Response.json({ error: 'give {"secret": "whsec_…"}' }, { status: 400 });
      }
      await this.setSecret(secret);
      return new Response(null, { status: 204 });
    }
    if (request.method === "GET") {
      const received = await this.received();
      return Response.json({ received: received.reverse() });
    }
    if (request.method !== "POST") return new Response(null, { status: 405 });
    return this.receive(request);
  }

  private async receive(request: Request): Promise<Response> {
    const body = await request.text();
    const answered = this.takeFault() ?? 200;
    const secret = this.secret();
    const verified = secret
      ? (await verifySignature(secret, request.headers, body, Math.floor(this.clock() / 1000))).ok
      : null;
    let type: string | null = null;
    try {
      const parsed = JSON.parse(body) as { type?: unknown };
      type = typeof parsed.type === "string" ? parsed.type : null;
    } catch {
      // Not JSON: kept as it came.
    }
    this.sql.exec(
      `INSERT INTO received (webhook_id, type, body, signature, timestamp, verified, answered, received_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      request.headers.get("webhook-id"),
      type,
      body,
      request.headers.get("webhook-signature"),
      request.headers.get("webhook-timestamp"),
      verified === null ? null : verified ? 1 : 0,
      answered,
      this.clock(),
    );
    this.sql.exec("DELETE FROM received WHERE seq <= (SELECT MAX(seq) FROM received) - ?", RECEIVER_KEEPS);
    return Response.json({ received: answered < 300 }, { status: answered });
  }

  /** The status of the next queued fault, spending it; null when none is left. */
  private takeFault(): number | null {
    const fault = this.sql
      .exec<{ seq: number; status: number }>("SELECT seq, status FROM faults WHERE remaining > 0 ORDER BY seq LIMIT 1")
      .toArray()[0];
    if (!fault) return null;
    this.sql.exec("UPDATE faults SET remaining = remaining - 1 WHERE seq = ?", fault.seq);
    this.sql.exec("DELETE FROM faults WHERE remaining <= 0");
    return fault.status;
  }

  private secret(): string | null {
    return (
      this.sql.exec<{ value: string }>("SELECT value FROM settings WHERE name = 'secret'").toArray()[0]?.value ?? null
    );
  }

  async received(): Promise<ReceivedWebhook[]> {
    return this.sql
      .exec<ReceivedRow>("SELECT * FROM received ORDER BY seq")
      .toArray()
      .map((row) => ({
        webhookId: row.webhook_id,
        type: row.type,
        body: row.body,
        signature: row.signature,
        timestamp: row.timestamp,
        verified: row.verified === null ? null : row.verified === 1,
        answered: row.answered,
        receivedAtMs: row.received_at_ms,
      }));
  }

  async addFault(status: number, times: number): Promise<void> {
    if (!Number.isInteger(status) || status < 100 || status > 599) throw new RangeError("an HTTP status");
    this.sql.exec("INSERT INTO faults (status, remaining) VALUES (?, ?)", status, Math.max(1, Math.floor(times)));
  }

  async setSecret(secret: string | null): Promise<void> {
    if (secret === null) this.sql.exec("DELETE FROM settings WHERE name = 'secret'");
    else
      this.sql.exec(
        "INSERT INTO settings (name, value) VALUES ('secret', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        secret,
      );
  }

  async clear(): Promise<void> {
    this.sql.exec("DELETE FROM received");
    this.sql.exec("DELETE FROM faults");
  }
}
