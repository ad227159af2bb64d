// The run's Worker for the e2e files (started once by ./global-worker.ts, the node
// project's globalSetup; ./launch-worker.ts says how). The files share it; each makes
// its own tenants.
import { inject } from "vitest";
import type { RunningWorker } from "./launch-worker.ts";

export type { RunningWorker } from "./launch-worker.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** Where the run's Worker listens (./global-worker.ts). */
    workerUrl: string;
  }
}

/** The run's Worker; the global setup closes it after the last file, so close() does nothing. */
export async function startWorker(): Promise<RunningWorker> {
  return { url: new URL(inject("workerUrl")), close: async () => {} };
}
