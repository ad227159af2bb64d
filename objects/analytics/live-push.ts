// Changes pushed to dashboards, coalesced: a post changed many times within one
// short interval is sent once, with its latest figures, in one message to every
// socket. A burst of ten thousand events becomes a handful of messages.
import type { PostFigures } from "./derived";

export const PUSH_INTERVAL_MS = 50;

export class LivePush {
  private readonly dirty = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly figures: (postIds: string[]) => Promise<PostFigures[]>,
    private readonly broadcast: (message: string) => void,
  ) {}

  changed(postIds: Iterable<string>): void {
    for (const id of postIds) this.dirty.add(id);
    this.timer ??= setTimeout(() => void this.push(), PUSH_INTERVAL_MS);
  }

  private async push(): Promise<void> {
    this.timer = null;
    const ids = [...this.dirty];
    this.dirty.clear();
    if (ids.length === 0) return;
    const posts = await this.figures(ids);
    this.broadcast(JSON.stringify({ type: "update", at: new Date().toISOString(), posts }));
  }
}
