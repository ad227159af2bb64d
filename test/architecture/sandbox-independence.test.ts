// ARCHITECTURE.md, Three layers: the sandbox (src/core/sandbox/) stands in for the
// platforms, and the adapters (src/core/platforms/) speak to it as they speak to the
// real ones. So the sandbox implements each platform's documented behaviour itself: if
// it reused an adapter's code (X's text counter, the LinkedIn version check, a media
// test), a mistake there would be made on both sides and no contract test could show
// it (test/contracts/). Of src/core/platforms it may import the shared vocabulary,
// types.ts, and nothing else; every import of every sandbox file is read (type
// imports, re-exports and import() types included).
import { describe, expect, it } from "vitest";
import { moduleImports, resolvedPath } from "./module-imports";

const PLATFORMS_DIR = "src/core/platforms/";
/** What the sandbox may import of the adapters' folder: the types both sides speak. */
const ALLOWED = new Set(["src/core/platforms/types"]);

const SANDBOX = Object.entries(
  import.meta.glob<string>("../../src/core/sandbox/**/*.ts", { query: "?raw", import: "default", eager: true }),
).map(([path, text]) => ({ path: path.replace(/^\.\.\/\.\.\//, "").replace(/\.ts$/, ""), text }));

describe("the sandbox stays independent of the adapters", () => {
  it("reads every sandbox file", () => {
    expect(SANDBOX.length).toBeGreaterThan(10);
    expect(SANDBOX.map((file) => file.path)).toContain("src/core/sandbox/x");
    // The Meta sandboxes, with their own Graph version, error object, usage header and JPEG test.
    for (const path of ["facebook", "instagram", "graph-api", "media-host"]) {
      expect(
        SANDBOX.map((file) => file.path),
        path,
      ).toContain(`src/core/sandbox/${path}`);
    }
  });

  it("imports nothing from src/core/platforms but types.ts", () => {
    const wrong = SANDBOX.flatMap((file) =>
      moduleImports(file.text)
        .map((specifier) => resolvedPath(`${file.path}.ts`, specifier))
        .filter((target): target is string => target !== null)
        .filter((target) => target.startsWith(PLATFORMS_DIR) && !ALLOWED.has(target))
        .map((target) => `${file.path} imports ${target}`),
    );
    expect(wrong, wrong.join("\n")).toEqual([]);
  });

  it("would catch one: an import of an adapter module is found, the types are allowed", () => {
    const probe = [
      'import { xWeightedLength } from "../platforms/x-text";',
      'import type { Platform } from "../platforms/types";',
      'export { isActiveLinkedInVersion } from "../platforms/linkedin-version";',
    ].join("\n");
    const targets = moduleImports(probe).map((specifier) => resolvedPath("src/core/sandbox/probe.ts", specifier));
    expect(targets.filter((t) => t?.startsWith(PLATFORMS_DIR) && !ALLOWED.has(t))).toEqual([
      "src/core/platforms/x-text",
      "src/core/platforms/linkedin-version",
    ]);
  });
});
