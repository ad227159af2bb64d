// The live path's ceiling, for `npm run bench:analytics` only: the least a partyserver
// Server can do to reach its sockets. Poked over HTTP, it broadcasts one message of a
// given size to every socket of its room, as the TenantObject broadcasts an update,
// with hibernating sockets as the TenantObject has them, and nothing else: no
// credential, no counters, no SQLite. The benchmark opens as many sockets here as on
// the dashboard and divides the product's event → dashboard latency by this one.
//
// Never part of the product: wrangler.toml does not name this module, so neither
// `wrangler deploy` nor `npm start` bundles it; the benchmark's harness runs it as a
// second Worker from an inline configuration (bench/broadcast-ceiling/harness.ts).
import { routePartykitRequest, Server } from "partyserver";

// An entry module exports handlers and classes only (wrangler refuses a plain
// constant); harness.ts repeats the prefix for the Node side.
/** Paths under which the harness routes requests to this Worker. */
const CEILING_PREFIX = "bench-broadcast";

/** `{"type":"ceiling","round":N,"pad":"…"}`, padded to `size` characters (never shorter than its frame). */
function ceilingMessage(round: number, size: number): string {
  const frame = JSON.stringify({ type: "ceiling", round, pad: "" });
  return JSON.stringify({ type: "ceiling", round, pad: "x".repeat(Math.max(0, size - frame.length)) });
}

export class BroadcastCeiling extends Server {
  static override options = { hibernate: true };

  // The dashboard's socket gets a snapshot first; the benchmark waits for one here too.
  override onConnect(connection: { send(message: string): void }): void {
    connection.send(JSON.stringify({ type: "snapshot" }));
  }

  override async onRequest(request: Request): Promise<Response> {
    const { round, size } = (await request.json()) as { round: number; size: number };
    this.broadcast(ceilingMessage(round, size));
    return new Response(null, { status: 204 });
  }
}

export default {
  // This Worker's env holds only the BroadcastCeiling binding; partyserver finds the
  // namespace by the class's name in the path (/bench-broadcast/broadcast-ceiling/<room>).
  async fetch(request: Request, env: Env): Promise<Response> {
    return (
      (await routePartykitRequest(request, env, { prefix: CEILING_PREFIX })) ?? new Response(null, { status: 404 })
    );
  },
};
