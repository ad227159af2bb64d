// The sandbox's audience: a post gathers impressions, likes, comments, shares and
// clicks as it ages, along a curve that flattens within the hour and then keeps
// creeping up, different for each post (seeded by its id) and the same every time
// it is asked. Demos show live numbers within a minute; tests can predict nothing
// but monotonic growth.

export interface SandboxMetrics {
  impressions: number;
  reach: number;
  likes: number;
  comments: number;
  shares: number;
  clicks: number;
  saves: number;
  bookmarks: number;
}

/** A number in [0, 1) from a string (FNV-1a). */
function unit(seed: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    hash ^= seed.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 2 ** 32;
}

/** Minutes for a post to reach about 63% of its eventual audience. */
const GROWTH_MINUTES = 20;

export function engagementAt(postId: string, createdAtMs: number, nowMs: number, followers: number): SandboxMetrics {
  const minutes = Math.max(0, (nowMs - createdAtMs) / 60_000);
  // Most of the audience within the hour, then a slow tail that never quite stops.
  const growth = 1 - Math.exp(-minutes / GROWTH_MINUTES) + 0.15 * Math.log1p(minutes / 120);
  const audience = followers * (0.5 + 2 * unit(`${postId}:audience`));
  const impressions = Math.floor(audience * growth);
  const rate = 0.01 + 0.07 * unit(`${postId}:rate`);
  const likes = Math.floor(impressions * rate);
  return {
    impressions,
    reach: Math.floor(impressions * (0.7 + 0.2 * unit(`${postId}:reach`))),
    likes,
    comments: Math.floor(likes * 0.12),
    shares: Math.floor(likes * 0.08),
    clicks: Math.floor(impressions * 0.01 * (1 + unit(`${postId}:clicks`))),
    saves: Math.floor(likes * 0.05),
    bookmarks: Math.floor(likes * 0.03),
  };
}
