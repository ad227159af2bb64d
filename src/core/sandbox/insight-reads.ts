// What the sandbox's insight endpoints share: the caller's own post with its figures
// now, the ids of a batch read, and Graph's insight entries.
import type { SandboxContext } from "./context";
import { engagementAt, type SandboxMetrics } from "./engagement";

/**
 * The caller's posts as a batch read sees them: the user's followers (looked up once
 * per read, not once per post) and, for each post id, the post with its figures now.
 */
export function ownPosts(ctx: SandboxContext, userId: string) {
  const followers = ctx.store.user(userId)?.followers ?? 1000;
  const nowMs = Date.now();
  return {
    followers,
    /** A post of the caller with its figures; null when it is not theirs or does not exist. */
    figures(postId: string): { post: { post_id: string; text: string }; metrics: SandboxMetrics } | null {
      const post = ctx.store.post(postId);
      if (!post || post.user_id !== userId) return null;
      return { post, metrics: engagementAt(post.post_id, post.created_at_ms, nowMs, followers) };
    },
  };
}

/** The ids of a batch read: comma-separated, 1 to `max` of them; null otherwise. */
export function batchIds(value: string | undefined, max: number): string[] | null {
  const ids = (value ?? "").split(",").filter((id) => id.length > 0);
  return ids.length > 0 && ids.length <= max ? ids : null;
}

/** A Graph insights entry with one lifetime value. */
export function lifetime(name: string, value: number) {
  return { name, period: "lifetime", values: [{ value }] };
}
