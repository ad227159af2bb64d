// Sockets for bench:analytics' latency part: open many, trigger a change, and time
// when each socket receives the message about it. Used for the dashboard sockets on a
// TenantObject and for the same number on the bare partyserver broadcast
// (bench/broadcast-ceiling), so both are timed by the same client code.

export interface Watcher {
  socket: WebSocket;
  /** Resolves with the time the next message `matches` accepts arrives. */
  waiting: { matches: (data: string) => boolean; resolve: (arrival: { at: number; size: number }) => void } | null;
}

/** Opens a socket at `url` and resolves once its first message (the snapshot) arrived. */
export async function openWatcher(url: string): Promise<Watcher> {
  const socket = new WebSocket(url);
  const watcher: Watcher = { socket, waiting: null };
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener("message", function first(event) {
      if ((JSON.parse(String(event.data)) as { type: string }).type === "snapshot") {
        socket.removeEventListener("message", first);
        resolve();
      }
    });
    socket.addEventListener("error", () => reject(new Error(`socket ${url} failed`)));
  });
  socket.addEventListener("message", (event) => {
    const at = performance.now();
    const waiting = watcher.waiting;
    if (!waiting) return;
    // A string test, not a parse: the client's own work is not what is measured.
    const data = String(event.data);
    if (waiting.matches(data)) {
      watcher.waiting = null;
      waiting.resolve({ at, size: data.length });
    }
  });
  return watcher;
}

/** `count` sockets, opened 25 at a time; `url` gives each its address (a fresh ticket, say). */
export async function openWatchers(count: number, url: () => Promise<string>): Promise<Watcher[]> {
  const watchers: Watcher[] = [];
  for (let i = 0; i < count; i += 25) {
    const batch = Array.from({ length: Math.min(25, count - i) }, async () => openWatcher(await url()));
    watchers.push(...(await Promise.all(batch)));
  }
  return watchers;
}

/**
 * One round: every watcher waits for a message `matches` accepts, `trigger` is sent,
 * and each socket's delay from the send to its arrival is returned, with the size of
 * the message received.
 */
export async function timeRound(
  watchers: Watcher[],
  matches: (data: string) => boolean,
  trigger: () => Promise<unknown>,
): Promise<{ latencies: number[]; size: number }> {
  const arrivals = watchers.map(
    (w) =>
      new Promise<{ at: number; size: number }>((resolve) => {
        w.waiting = { matches, resolve };
      }),
  );
  const sent = performance.now();
  await trigger();
  const times = await Promise.all(arrivals);
  return { latencies: times.map((t) => t.at - sent), size: times[0]?.size ?? 0 };
}
