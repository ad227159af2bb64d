// The fault matrix of reconciliation (objects/publishing/reconcile.ts): each of the
// sandbox's fault switches that leaves a publish's outcome unknown, at the post's
// creation and then at the reconciliation's own look-up, on each of the four platforms.
// After the reconciliation's checks no post is left "unknown", none is published twice,
// and a published post exists exactly once at its platform. Each case has its own tenant
// and sandbox user, so they run side by side (the "hang" ones wait out the platform
// deadline, 4 s in tests, together).
import { afterEach, describe, expect, it } from "vitest";
import type { FaultPointName } from "../../objects/tenant-object/fault-points";
import type { Platform } from "../../src/core/platforms/types";
import type { FaultKind } from "../../src/core/sandbox/store";
import { connectAccount, publishBody, sandbox, sandboxUserOf } from "../support/accounts";
import { clearFaults, resetAt } from "../support/faults";
import { call, json } from "../support/http";
import { platformPosts, type ReadPost, reconcileNow } from "../support/reconcile";
import { createTenant } from "../support/tenants";

const PLATFORMS: Platform[] = ["twitter", "linkedin", "facebook", "instagram"];
/** Past the platform deadline of the tests (PLATFORM_TIMEOUT_MS = 4000). */
const LATE = { ms: 6000 };

type Fault = { kind: FaultKind; params?: Record<string, unknown> };
/** At the post's creation: each leaves the outcome unknown (a 5xx before or after the work, no answer in time). */
const AT_CREATION: Fault[] = [{ kind: "error_500" }, { kind: "error_500_after" }, { kind: "hang", params: LATE }];
/** At the reconciliation's first look-up, the post having been created and its answer lost. */
const AT_LOOKUP: Fault[] = [
  { kind: "error_500" },
  { kind: "rate_limit_429", params: { reset_seconds: 60 } },
  { kind: "hang", params: LATE },
];

const CASES: { platform: Platform; creation: Fault; lookup: Fault | null; lookupName: string }[] = [
  ...PLATFORMS.flatMap((platform) =>
    AT_CREATION.map((creation) => ({ platform, creation, lookup: null, lookupName: "no fault" })),
  ),
  ...PLATFORMS.flatMap((platform) =>
    AT_LOOKUP.map((lookup) => ({
      platform,
      creation: { kind: "error_500_after" } as Fault,
      lookup,
      lookupName: lookup.kind,
    })),
  ),
];

describe.concurrent("fault matrix: outcomes reconciled with the platform", () => {
  it.each(CASES)(
    "$platform, $creation.kind at creation, $lookupName at look-up: published once, nothing left unknown",
    async ({ platform, creation, lookup }) => {
      const label = `${platform}, ${creation.kind} at creation, ${lookup?.kind ?? "no fault"} at look-up`;
      const tenant = await createTenant();
      const account = await connectAccount(tenant.ownerKey, platform);
      const user = sandboxUserOf(account);
      await sandbox(platform).addFault({ ...creation, endpoint: "publish", user_id: user });
      if (lookup) await sandbox(platform).addFault({ ...lookup, endpoint: "lookup", user_id: user });
      const text = `Matrix ${platform} ${creation.kind} ${lookup?.kind ?? "-"} ${crypto.randomUUID()}`;
      const res = await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account, { text }) });
      expect(res.status, `${label}: ${await res.clone().text()}`).toBe(202);
      const { id, status } = await json<ReadPost>(res);
      expect(status, label).toBe("unknown");

      const settled = await reconcileNow(tenant.tenantId, tenant.ownerKey, id);
      expect(settled.status, `${label}: ${JSON.stringify(settled.reconciliation)}`).toBe("published");
      expect(settled.reconciliation?.state, label).toBe("resolved");
      // Exactly one post at the platform: none was published twice.
      expect((await platformPosts(account, text)).length, `${label}: posts at the platform`).toBe(1);
    },
  );
});

// A reset of the object during the platform call: the router's repeat finds the attempt
// calling, so it is unknown (never sent blindly) and reconciled. One reset at a time.
describe("fault matrix: the object reset during the platform call, reconciled", () => {
  afterEach(clearFaults);

  it.each(
    PLATFORMS.flatMap((platform) =>
      (["publish.send", "publish.answered"] as FaultPointName[]).map((point) => ({ platform, point })),
    ),
  )("$platform, reset at $point: published once, nothing left unknown", async ({ platform, point }) => {
    const label = `${platform}, reset at ${point}`;
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, platform);
    // Warm: the account is loaded, as on a busy object.
    expect((await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account) })).status, label).toBe(201);
    const text = `Reset ${platform} ${point} ${crypto.randomUUID()}`;
    const reset = await resetAt(tenant.tenantId, point);
    const res = await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account, { text }) });
    expect(reset.fired(), label).toBe(true);
    clearFaults();
    expect(res.status, `${label}: ${await res.clone().text()}`).toBe(202);
    const { id } = await json<ReadPost>(res);
    const settled = await reconcileNow(tenant.tenantId, tenant.ownerKey, id);
    expect(settled.status, `${label}: ${JSON.stringify(settled.reconciliation)}`).toBe("published");
    expect((await platformPosts(account, text)).length, `${label}: posts at the platform`).toBe(1);
  });
});
