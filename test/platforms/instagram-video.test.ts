// Instagram reels finish asynchronously (Instagram Platform "Content Publishing",
// reference/ig-container): the publish answers 202 "processing"; the TenantObject's
// alarm polls the container about once a minute (tests run the alarm and move the
// sandbox's processing clock instead of waiting) and publishes that same container
// once it is FINISHED, or fails the post. The sandbox keeps a reel IN_PROGRESS for
// three simulated minutes, as real processing often takes.

import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { type ConnectedAccount, connectAccount, sandbox, sandboxUserOf } from "../support/accounts";
import { call, json } from "../support/http";
import { makeDue, recordsInD1, runTimersNow, tenantObjectOf } from "../support/objects";
import { createTenant, type TestTenant } from "../support/tenants";

const MINUTE = 60_000;

async function postReel(tenant: TestTenant, account: ConnectedAccount) {
  const res = await call("/v1/posts", {
    token: tenant.ownerKey,
    body: { account_id: account.id, text: `Reel ${crypto.randomUUID()}`, video_url: "https://cdn.example.com/r.mp4" },
  });
  expect(res.status, await res.clone().text()).toBe(202);
  const post = await json<{ id: string; status: string }>(res);
  expect(post.status).toBe("processing");
  return post.id;
}

async function postStatus(tenant: TestTenant, id: string) {
  await recordsInD1(tenant.tenantId);
  const res = await call(`/v1/posts/${id}`, { token: tenant.ownerKey });
  return json<{ status: string; platform_post_id: string | null; error: { type: string; message: string } | null }>(
    res,
  );
}

/** The object's next poll comes now: its containers are due and the alarm runs (as a minute later). */
async function pollNow(tenant: TestTenant): Promise<void> {
  await runInDurableObject(tenantObjectOf(tenant.tenantId), async (_o: TenantObject, state) => {
    state.storage.sql.exec("UPDATE media_containers SET next_poll_ms = 0");
  });
  await runTimersNow(tenant.tenantId, ["media-containers"]);
}

/** One minute passes at the platform, and the object's alarm polls the container. */
async function minutePasses(tenant: TestTenant): Promise<void> {
  await sandbox("instagram").advanceClock(MINUTE);
  await pollNow(tenant);
}

async function reelAccount() {
  const tenant = await createTenant();
  const account = await connectAccount(tenant.ownerKey, "instagram");
  return { tenant, account, user: sandboxUserOf(account) };
}

describe("Instagram reels", () => {
  it("a reel publishes after the sandbox keeps its container in progress for several minutes", async () => {
    const { tenant, account, user } = await reelAccount();
    const id = await postReel(tenant, account);
    let minutes = 0;
    while ((await postStatus(tenant, id)).status === "processing" && minutes < 6) {
      await minutePasses(tenant);
      minutes += 1;
    }
    const post = await postStatus(tenant, id);
    expect(post.status).toBe("published");
    expect(post.platform_post_id).toBeTruthy();
    // It was in progress for minutes (asked once a minute), and one container was made.
    expect(minutes).toBeGreaterThanOrEqual(3);
    const counters = await sandbox("instagram").counters(user);
    expect(counters.media).toBe(1);
    expect(counters.profile).toBeGreaterThanOrEqual(3);
    expect((await sandbox("instagram").posts(user)).length).toBe(1);
  });

  it("a failed media_publish is retried with the same container, never a second one", async () => {
    const { tenant, account, user } = await reelAccount();
    const id = await postReel(tenant, account);
    await sandbox("instagram").addFault({ kind: "error_500", endpoint: "publish", user_id: user });
    await sandbox("instagram").advanceClock(4 * MINUTE);
    await pollNow(tenant);
    expect((await postStatus(tenant, id)).status).toBe("processing");
    await pollNow(tenant);
    expect((await postStatus(tenant, id)).status).toBe("published");
    const counters = await sandbox("instagram").counters(user);
    expect(counters.media).toBe(1);
    expect(counters.publish).toBe(2);
    expect((await sandbox("instagram").posts(user)).length).toBe(1);
  });

  it("a media_publish that never answered is not sent again: the container says it was published", async () => {
    const { tenant, account, user } = await reelAccount();
    const id = await postReel(tenant, account);
    // The publish goes through at the platform, but its answer comes after the deadline.
    await sandbox("instagram").addFault({ kind: "hang", endpoint: "publish", user_id: user, params: { ms: 6000 } });
    await sandbox("instagram").advanceClock(4 * MINUTE);
    await pollNow(tenant);
    expect((await postStatus(tenant, id)).status).toBe("processing");
    await pollNow(tenant);
    const post = await postStatus(tenant, id);
    expect(post.status).toBe("unknown");
    expect((await sandbox("instagram").counters(user)).publish).toBe(1);
    expect((await sandbox("instagram").posts(user)).length).toBe(1);
  });

  it("a container that fails processing fails the post, and gives its slot back", async () => {
    const { tenant, account, user } = await reelAccount();
    await sandbox("instagram").addFault({ kind: "container_error", endpoint: "media", user_id: user });
    const id = await postReel(tenant, account);
    await minutePasses(tenant);
    const post = await postStatus(tenant, id);
    expect(post.status).toBe("failed");
    expect(post.error?.type).toBe("processing_failed");
    const limits = await json<{ data: { account_id: string; used: number }[] }>(
      await call("/v1/rate-limits", { token: tenant.ownerKey }),
    );
    expect(limits.data.find((w) => w.account_id === account.id)?.used).toBe(0);
  });

  it("still processing when the five minutes are up: the post fails, nothing is published", async () => {
    const { tenant, account, user } = await reelAccount();
    const id = await postReel(tenant, account);
    // Five polls a minute apart on the object's side; the platform's clock stands still.
    for (let poll = 0; poll < 5; poll++) await pollNow(tenant);
    const post = await postStatus(tenant, id);
    expect(post.status).toBe("failed");
    expect(post.error?.message).toMatch(/still processing/);
    expect((await sandbox("instagram").counters(user)).publish ?? 0).toBe(0);
  });

  it("a scheduled reel goes out on the alarm as processing, then publishes", async () => {
    const { tenant, account, user } = await reelAccount();
    const res = await call("/v1/posts", {
      token: tenant.ownerKey,
      body: {
        account_id: account.id,
        text: `Scheduled reel ${crypto.randomUUID()}`,
        video_url: "https://cdn.example.com/s.mp4",
        scheduled_at: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
    expect(res.status, await res.clone().text()).toBe(202);
    const { id } = await json<{ id: string }>(res);
    await makeDue(tenant.tenantId, id);
    await runTimersNow(tenant.tenantId, ["publish-due"]);
    expect((await postStatus(tenant, id)).status).toBe("processing");
    for (let minute = 0; minute < 3; minute++) await minutePasses(tenant);
    expect((await postStatus(tenant, id)).status).toBe("published");
    expect((await sandbox("instagram").counters(user)).media).toBe(1);
  });

  it("images must be JPEG: a PNG is refused before anything is sent", async () => {
    const { tenant, account, user } = await reelAccount();
    const res = await call("/v1/posts", {
      token: tenant.ownerKey,
      body: { account_id: account.id, text: "A chart", image_url: "https://cdn.example.com/chart.png" },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain("image_url");
    expect((await sandbox("instagram").counters(user)).media ?? 0).toBe(0);
  });
});
