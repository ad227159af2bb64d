// ARCHITECTURE.md, One contract: the router (src/) reaches the Durable Objects through one
// module, the TenantObject's contract. Every import of every file under src/ (type
// imports and the .d.ts files included) is read and resolved; anything else of
// objects/ fails the test, and so does anything of the entries (worker/, bench/),
// which src/ must not depend on.
import { describe, expect, it } from "vitest";
import { moduleImports, resolvedPath } from "./module-imports";

const CONTRACT = "objects/tenant-object/contract";

/** Every file under src/, by repository path, with its text. */
const SOURCES = Object.entries(
  import.meta.glob<string>("../../src/**/*.ts", { query: "?raw", import: "default", eager: true }),
).map(([path, text]) => ({ path: path.replace(/^\.\.\/\.\.\//, ""), text }));

function importsOf(file: { path: string; text: string }): string[] {
  return moduleImports(file.text).flatMap((specifier) => resolvedPath(file.path, specifier) ?? []);
}

describe("the import graph of src/", () => {
  it("reads every file of src/, and the imports the reader must see", () => {
    expect(SOURCES.length).toBeGreaterThan(150);
    const objects = SOURCES.find((file) => file.path === "src/objects.ts");
    expect(objects && importsOf(objects)).toEqual(expect.arrayContaining([CONTRACT, "src/placement/directory"]));
    // Type-only imports, re-exports and import() types are imports too.
    expect(moduleImports('import type { A } from "./a";\nexport { b } from "./b";\ntype C = import("./c").C;')).toEqual(
      ["./a", "./b", "./c"],
    );
    expect(moduleImports('// import { a } from "./commented";\nconst s = "from \'./in-a-string\'";')).toEqual([]);
  });

  it("imports nothing of objects/ but the TenantObject's contract", () => {
    const crossings = SOURCES.flatMap((file) =>
      importsOf(file)
        .filter((target) => target.startsWith("objects/") && target !== CONTRACT)
        .map((target) => `${file.path} imports ${target}`),
    );
    expect(crossings).toEqual([]);
  });

  it("imports nothing of the Worker's entries (worker/, bench/)", () => {
    const crossings = SOURCES.flatMap((file) =>
      importsOf(file)
        .filter((target) => target.startsWith("worker/") || target.startsWith("bench/"))
        .map((target) => `${file.path} imports ${target}`),
    );
    expect(crossings).toEqual([]);
  });
});
