// The node project's globalSetup (vitest.config.ts): one Worker for every e2e file that
// needs one (./worker.ts), started once instead of once per file, hashing passwords at
// the test suite's cost (PASSWORD_ITERATIONS, as in vitest.config.ts; src/core/auth/passwords.ts).
import type { TestProject } from "vitest/node";
import { launchWorker } from "./launch-worker.ts";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const worker = await launchWorker({ PASSWORD_ITERATIONS: "1000" });
  project.provide("workerUrl", worker.url.toString());
  return () => worker.close();
}
