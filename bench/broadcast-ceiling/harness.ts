// The ceiling Worker (worker.ts) as a second Worker of the benchmark's harness: an
// inline configuration, so nothing of it is in wrangler.toml. Its route takes every
// request under /bench-broadcast/ on the harness's address; the rest goes to the
// product's Worker, the harness's first.
import type { TestHarnessOptions } from "wrangler";

export const CEILING_PREFIX = "bench-broadcast";

export const ceilingWorker: TestHarnessOptions["workers"][number] = {
  config: {
    name: "bench-broadcast-ceiling",
    main: "./bench/broadcast-ceiling/worker.ts",
    compatibility_date: "2026-11-01",
    routes: [`*/${CEILING_PREFIX}/*`],
    durable_objects: { bindings: [{ name: "BroadcastCeiling", class_name: "BroadcastCeiling" }] },
    migrations: [{ tag: "v1", new_sqlite_classes: ["BroadcastCeiling"] }],
  },
};

/** The ceiling room's socket path, and the path that pokes it. */
export function ceilingPath(room: string): string {
  return `/${CEILING_PREFIX}/broadcast-ceiling/${room}`;
}
