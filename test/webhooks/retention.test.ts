// The webhooks' events and delivery log are kept 30 days (docs/webhooks.md): the daily
// retention job's probe finds a tenant whose oldest rows are past that, and its prune
// deletes them (src/core/retention). Run here for this test's tenant alone: the whole
// job, over every tenant of the shared worker, is retention's own isolated tests'.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { scopeOn } from "../../src/core/db/tenant-scope";
import { placementOf } from "../../src/core/placement/directory";
import { shardNamed } from "../../src/core/placement/shards";
import { CallBudget, DEFAULT_BUDGET } from "../../src/core/retention/budget";
import { horizonsOf, scanShard } from "../../src/core/retention/due";
import { retentionPolicy } from "../../src/core/retention/policy";
import { pruneExpired } from "../../src/core/retention/prune";
import { addDays } from "../../src/core/skills/calendar";
import { WEBHOOK_LOG_DAYS } from "../../src/core/webhooks/deliveries-store";
import { tenantDb } from "../support/databases";
import { call } from "../support/http";
import { createTenant } from "../support/tenants";
import { consume, createEndpoint, pendingMessages, receiverName } from "./support";

async function counts(tenantId: string) {
  const db = await tenantDb(tenantId);
  const n = async (table: string) =>
    (await db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE tenant_id = ?`).bind(tenantId).first<{ n: number }>())
      ?.n;
  return { deliveries: await n("webhook_deliveries"), events: await n("webhook_events") };
}

describe("the webhooks' log", () => {
  it(`is deleted by retention once ${WEBHOOK_LOG_DAYS} days old, not before`, async () => {
    const tenant = await createTenant();
    const endpoint = await createEndpoint(tenant.ownerKey, receiverName("old"));
    const res = await call(`/v1/webhook-endpoints/${endpoint.id}/test`, { token: tenant.ownerKey, method: "POST" });
    expect(res.status).toBe(202);
    await consume(await pendingMessages(tenant.tenantId));
    expect(await counts(tenant.tenantId)).toEqual({ deliveries: 1, events: 1 });

    const placement = await placementOf(env, tenant.tenantId);
    if (!placement) throw new Error("no placement");
    const scope = scopeOn(env, placement);
    const today = new Date().toISOString().slice(0, 10);
    const dueOn = async (asOf: string) => {
      const scan = await scanShard(env, shardNamed(env, placement.shard), asOf, new CallBudget(DEFAULT_BUDGET));
      return scan.due.find((d) => d.tenantId === tenant.tenantId);
    };
    const horizons = (asOf: string) => horizonsOf(retentionPolicy("standard", null), asOf);

    // A day short of the period: kept (whatever else of the tenant is due).
    const early = addDays(today, WEBHOOK_LOG_DAYS - 1);
    await pruneExpired(scope, horizons(early), new CallBudget(DEFAULT_BUDGET), 500);
    expect(await counts(tenant.tenantId)).toEqual({ deliveries: 1, events: 1 });

    // Past it: the probe finds the tenant due, and the prune deletes both.
    const late = addDays(today, WEBHOOK_LOG_DAYS + 1);
    expect((await dueOn(late))?.prune, "due for pruning").toBe(true);
    const pruned = await pruneExpired(scope, horizons(late), new CallBudget(DEFAULT_BUDGET), 500);
    expect([pruned.webhook_deliveries, pruned.webhook_events]).toEqual([1, 1]);
    expect(await counts(tenant.tenantId)).toEqual({ deliveries: 0, events: 0 });
  });
});
