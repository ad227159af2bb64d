// Pulling insights from the platforms on the alarm: the sandbox audience grows, the
// figures follow; a failing platform opens a sync error, counts retries, and the next
// success resolves it.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { SandboxPlatform } from "../../objects/sandbox-platform";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import type { Platform } from "../../src/core/platforms/types";
import { sandbox, sandboxUserOf } from "../support/accounts";
import { age, figures, publishedPosts, pullNow, syncErrors } from "../support/analytics";
import { tenantDb } from "../support/databases";
import { advanceObjectClock, runAlarmNow, runTimersNow, tenantObjectOf } from "../support/objects";

describe("insights sync", () => {
  it.each<Platform>(["linkedin", "twitter", "facebook", "instagram"])(
    "pulls growing figures from %s and flushes them to D1",
    async (platform) => {
      const world = await publishedPosts(2, platform);
      const [post] = world.posts as [string];
      await age(world.account, 10);
      await pullNow(world.tenant.tenantId);
      const early = await figures(world.key, post);
      expect(early.impressions).toBeGreaterThan(0);
      expect(early.reach).toBeLessThanOrEqual(early.impressions);

      await age(world.account, 60);
      await pullNow(world.tenant.tenantId);
      const later = await figures(world.key, post);
      expect(later.impressions).toBeGreaterThan(early.impressions);
      expect(later.likes).toBeGreaterThanOrEqual(early.likes);

      await runTimersNow(world.tenant.tenantId, ["flush-analytics"]);
      const row = await (await tenantDb(world.tenant.tenantId))
        .prepare(
          `SELECT pa.impressions, pa.likes, pa.sync_count, pa.synced_at > p.published_at AS synced_since
         FROM post_analytics pa JOIN published_posts p ON p.post_id = pa.post_id WHERE pa.post_id = ?`,
        )
        .bind(post)
        .first<{ impressions: number; likes: number }>();
      // Two pulls from the platform: counted, and synced_at moved past the publish time.
      expect(row).toEqual({ impressions: later.impressions, likes: later.likes, sync_count: 3, synced_since: 1 });
    },
  );

  it("a failing platform opens a sync error, counts retries, and a success resolves it", async () => {
    const world = await publishedPosts(1, "linkedin");
    const [post] = world.posts as [string];
    await age(world.account, 30);
    await sandbox("linkedin").addFault({
      kind: "error_500",
      endpoint: "insights",
      user_id: sandboxUserOf(world.account),
      count: 2,
    });

    await pullNow(world.tenant.tenantId);
    let errors = await syncErrors(world.tenant.tenantId, post);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ error_type: "api_error", retry_count: 0, resolved_at: null });

    await pullNow(world.tenant.tenantId);
    errors = await syncErrors(world.tenant.tenantId, post);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ retry_count: 1, resolved_at: null });
    expect((await figures(world.key, post)).impressions).toBe(0);

    await pullNow(world.tenant.tenantId);
    errors = await syncErrors(world.tenant.tenantId, post);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.retry_count).toBe(1);
    expect(errors[0]?.resolved_at).not.toBeNull();
    expect((await figures(world.key, post)).impressions).toBeGreaterThan(0);
  });

  it("a rate-limited platform is recorded as rate_limit", async () => {
    const world = await publishedPosts(1, "twitter");
    const [post] = world.posts as [string];
    await sandbox("twitter").addFault({
      kind: "rate_limit_429",
      endpoint: "insights",
      user_id: sandboxUserOf(world.account),
    });
    await pullNow(world.tenant.tenantId);
    expect(await syncErrors(world.tenant.tenantId, post)).toEqual([
      expect.objectContaining({ error_type: "rate_limit", resolved_at: null }),
    ]);
  });

  it("reads an account's posts in batches: one call per 50 Facebook posts, not one per post", async () => {
    const world = await publishedPosts(60, "facebook");
    await age(world.account, 15);
    const user = sandboxUserOf(world.account);
    const before = (await sandbox("facebook").counters(user)).insights ?? 0;
    await pullNow(world.tenant.tenantId);
    expect(((await sandbox("facebook").counters(user)).insights ?? 0) - before).toBe(2);
    for (const post of world.posts) expect((await figures(world.key, post)).impressions).toBeGreaterThan(0);
  });

  it("a post gone from the platform fails alone; its batch-mates are read one by one", async () => {
    const world = await publishedPosts(3, "facebook");
    const [gone, ...kept] = world.posts as [string, ...string[]];
    await age(world.account, 15);
    const platformIdOf = async (postId: string) =>
      (
        await (
          await tenantDb(world.tenant.tenantId)
        )
          .prepare("SELECT platform_post_id FROM published_posts WHERE post_id = ?")
          .bind(postId)
          .first<{ platform_post_id: string }>()
      )?.platform_post_id as string;
    const goneAtPlatform = (await platformIdOf(gone)).split("_")[1] as string;
    await runInDurableObject(sandbox("facebook"), (_o: SandboxPlatform, state) => {
      state.storage.sql.exec("DELETE FROM posts WHERE post_id = ?", goneAtPlatform);
    });
    const user = sandboxUserOf(world.account);
    const before = (await sandbox("facebook").counters(user)).insights ?? 0;
    await pullNow(world.tenant.tenantId);
    // The batch is refused over the missing post, then each of the three is read alone.
    expect(((await sandbox("facebook").counters(user)).insights ?? 0) - before).toBe(4);
    for (const post of kept) expect((await figures(world.key, post)).impressions).toBeGreaterThan(0);
    expect(await syncErrors(world.tenant.tenantId, gone)).toEqual([
      expect.objectContaining({ error_type: "api_error", resolved_at: null }),
    ]);
    for (const post of kept) expect(await syncErrors(world.tenant.tenantId, post)).toEqual([]);
  });

  it("pulls a post again only when its interval has passed: 5 minutes in its first hour, hourly in its first day, then every 6 hours", async () => {
    const world = await publishedPosts(1, "twitter");
    const tenantId = world.tenant.tenantId;
    const user = sandboxUserOf(world.account);
    const calls = async () => (await sandbox("twitter").counters(user)).insights ?? 0;
    const state = () =>
      runInDurableObject(tenantObjectOf(tenantId), (_o: TenantObject, s) => ({
        ...s.storage.sql
          .exec<{ last: number; next: number }>(
            "SELECT last_synced_ms AS last, next_sync_ms AS next FROM insight_syncs",
          )
          .one(),
        timer: s.storage.sql
          .exec<{ due: number }>("SELECT due_at_ms AS due FROM timers WHERE name = 'sync-insights'")
          .one().due,
      }));
    const start = await calls();
    await runTimersNow(tenantId, ["sync-insights"]);
    expect(await calls()).toBe(start + 1);
    let now = await state();
    expect(now.next - now.last).toBe(5 * 60_000);
    // The alarm waits for the post's turn.
    expect(now.timer).toBe(now.next);
    // The alarm runs again before the post is due: no call.
    await runAlarmNow(tenantId);
    expect(await calls()).toBe(start + 1);

    for (const [ageMs, interval] of [
      [2 * 3_600_000, 3_600_000],
      [3 * 86_400_000, 6 * 3_600_000],
    ] as const) {
      // The post is `ageMs` old.
      const publishedAtMs = await runInDurableObject(
        tenantObjectOf(tenantId),
        (_o: TenantObject, s) =>
          s.storage.sql.exec<{ at: number }>("SELECT published_at_ms AS at FROM post_counters").one().at,
      );
      await advanceObjectClock(tenantId, publishedAtMs + ageMs);
      await pullNow(tenantId);
      now = await state();
      expect(now.next - now.last).toBe(interval);
    }
    expect(await calls()).toBe(start + 3);
  });

  it("a failed pull is tried again a minute later, not after the post's interval", async () => {
    const world = await publishedPosts(1, "linkedin");
    await sandbox("linkedin").addFault({
      kind: "error_500",
      endpoint: "insights",
      user_id: sandboxUserOf(world.account),
    });
    await runTimersNow(world.tenant.tenantId, ["sync-insights"]);
    const row = await runInDurableObject(tenantObjectOf(world.tenant.tenantId), (_o: TenantObject, s) =>
      s.storage.sql
        .exec<{ last: number; next: number }>("SELECT last_synced_ms AS last, next_sync_ms AS next FROM insight_syncs")
        .one(),
    );
    expect(row.next - row.last).toBe(60_000);
  });
});
