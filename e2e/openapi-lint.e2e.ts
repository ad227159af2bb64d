// Redocly CLI lints the /openapi.json the Worker serves with its recommended rules
// (redocly.yaml): 0 errors and 0 warnings, the deliberate exceptions of single operations
// (.redocly.lint-ignore.yaml) each still matching a problem, so a stale one is noticed.
// In Node: the CLI is a Node program (docs/api-description.md, Lint).
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningWorker, startWorker } from "./support/worker";

const run = promisify(execFile);
const CLI = "node_modules/@redocly/cli/bin/cli.js";
const IGNORE_FILE = ".redocly.lint-ignore.yaml";

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
}

describe("redocly lint of /openapi.json", () => {
  let worker: RunningWorker;
  let dir: string;

  beforeAll(async () => {
    worker = await startWorker();
    dir = mkdtempSync(join(tmpdir(), "openapi-lint-"));
  });

  afterAll(async () => {
    await worker?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("passes the recommended rules with only the listed exceptions", async () => {
    const document = await (await fetch(new URL("/openapi.json", worker.url))).json();
    // The ignore file names the document as openapi.json beside it and the config.
    writeFileSync(join(dir, "openapi.json"), JSON.stringify(document, null, 2));
    copyFileSync("redocly.yaml", join(dir, "redocly.yaml"));
    copyFileSync(IGNORE_FILE, join(dir, IGNORE_FILE));
    const cli = join(process.cwd(), CLI);
    // Exit code 1 on problems: the report on stdout says which, so read it either way.
    const output = await run(
      process.execPath,
      [cli, "lint", "openapi.json", "--config", "redocly.yaml", "--format=json"],
      {
        cwd: dir,
        env: {
          ...process.env,
          REDOCLY_TELEMETRY: "off",
          REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
          REDOCLY_SUPPRESS_NOTIFICATIONS: "true",
        },
        maxBuffer: 64 * 1024 * 1024,
      },
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
    const report = JSON.parse(output.stdout) as LintReport;
    const listed = report.problems.map(
      (problem) => `${problem.severity} ${problem.ruleId} ${problem.location[0]?.pointer}: ${problem.message}`,
    );
    expect(listed, "problems").toEqual([]);
    expect(report.totals.errors).toBe(0);
    expect(report.totals.warnings).toBe(0);
    // Each exception is a list item of a quoted pointer: single or double quotes (the
    // formatter writes double), as YAML reads both alike (no YAML parser among our dependencies).
    const exceptions = readFileSync(IGNORE_FILE, "utf8").match(/^[ \t]*- (['"])#\/[^'"\n]*\1[ \t]*$/gm) ?? [];
    expect(report.totals.ignored, "each exception in .redocly.lint-ignore.yaml still applies").toBe(exceptions.length);
  });
});
