// The run's Worker for the e2e files (started once by ./global-worker.ts, the node
// project's globalSetup): wrangler.toml's development mode on a free port with
// in-memory storage, every database migrated. The files share it; each makes its own
// tenants.
import { inject } from "vitest";

export interface RunningWorker {
  url: URL;
  close(): Promise<void>;
}

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
