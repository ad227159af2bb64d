// ARCHITECTURE.md, Three layers: the router (src/router/), the TenantObject (objects/)
// and the core both use (src/core/). Every import of every file of the three (type
// imports, re-exports, import() types and the .d.ts files included) is read and
// resolved, and each arrow must point the allowed way:
// - core imports core only;
// - objects import objects and core;
// - the router imports the router, core, and of objects/ the contract alone;
// - the contract itself imports core only, so the router reaches nothing else of
//   objects/ through it;
// - none of them imports the Worker's entries (worker/, bench/) or the tests.
// No module is part of a circle of imports.
import { describe, expect, it } from "vitest";
import { moduleImports, resolvedPath } from "./module-imports";

const CONTRACT = "objects/tenant-object/contract";

/** Global declarations of the bindings (the Env the whole Worker receives): read like the router. */
const BINDINGS = "src/env.d";

type Layer = "core" | "router" | "objects";

const SOURCES = Object.entries({
  ...import.meta.glob<string>("../../src/**/*.ts", { query: "?raw", import: "default", eager: true }),
  ...import.meta.glob<string>("../../objects/**/*.ts", { query: "?raw", import: "default", eager: true }),
}).map(([path, text]) => ({ path: path.replace(/^\.\.\/\.\.\//, "").replace(/\.ts$/, ""), text }));

/** The layer of a module by its repository path (no extension), or null outside the three. */
function layerOf(path: string): Layer | null {
  if (path.startsWith("src/core/")) return "core";
  if (path.startsWith("src/router/") || path === BINDINGS) return "router";
  if (path.startsWith("objects/")) return "objects";
  return null;
}

/** Why the arrow from → to is not allowed, or null when it is. */
function wrongWay(from: string, to: string): string | null {
  const source = layerOf(from);
  const target = layerOf(to);
  if (target === null) return `${from} imports ${to}, outside the three layers`;
  if (from === CONTRACT) return target === "core" ? null : `the contract imports ${to}: it may import core only`;
  if (source === "core" && target !== "core") return `core module ${from} imports ${target} module ${to}`;
  if (source === "objects" && target === "router") return `object module ${from} imports router module ${to}`;
  if (source === "router" && target === "objects" && to !== CONTRACT) {
    return `router module ${from} imports ${to}: of objects/ it may import the contract only`;
  }
  return null;
}

/** Every arrow of the graph: file → module it imports (relative imports only; packages are not arrows). */
function arrows(files: readonly { path: string; text: string }[]): [string, string][] {
  return files.flatMap((file) =>
    moduleImports(file.text).flatMap((specifier) => {
      const target = resolvedPath(`${file.path}.ts`, specifier);
      return target === null ? [] : [[file.path, target] as [string, string]];
    }),
  );
}

/** The circles of the graph (strongly connected parts of more than one module, or a module importing itself). */
function circles(edges: readonly [string, string][]): string[][] {
  const next = new Map<string, string[]>();
  for (const [from, to] of edges) next.set(from, [...(next.get(from) ?? []), to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node) as number, low.get(to) as number));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node) as number, index.get(to) as number));
    }
    if (low.get(node) === index.get(node)) {
      const part: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        part.push(member);
      } while (member !== node);
      if (part.length > 1 || (next.get(node) ?? []).includes(node)) found.push(part.sort());
    }
  };
  for (const node of next.keys()) if (!index.has(node)) visit(node);
  return found;
}

const EDGES = arrows(SOURCES);

describe("the three layers' import graph", () => {
  it("reads every file of the three layers and the arrows the reader must see", () => {
    const count = (layer: Layer) => SOURCES.filter((file) => layerOf(file.path) === layer).length;
    expect(count("core"), "core modules").toBeGreaterThan(120);
    expect(count("router"), "router modules").toBeGreaterThan(70);
    expect(count("objects"), "object modules").toBeGreaterThan(50);
    expect(EDGES).toEqual(
      expect.arrayContaining([
        ["src/router/objects", CONTRACT],
        ["objects/tenant-object/tenant-object", CONTRACT],
        ["objects/tenant-object/contract", "src/core/platforms/types"],
      ]),
    );
    // Type-only imports, re-exports and import() types are imports too.
    expect(moduleImports('import type { A } from "./a";\nexport { b } from "./b";\ntype C = import("./c").C;')).toEqual(
      ["./a", "./b", "./c"],
    );
    expect(moduleImports('// import { a } from "./commented";\nconst s = "from \'./in-a-string\'";')).toEqual([]);
  });

  it("puts every module of src/ and objects/ in a layer", () => {
    const outside = SOURCES.filter((file) => layerOf(file.path) === null).map((file) => file.path);
    expect(outside).toEqual([]);
  });

  it("points every arrow the allowed way", () => {
    const wrong = EDGES.flatMap(([from, to]) => wrongWay(from, to) ?? []);
    expect(wrong).toEqual([]);
  });

  it("refuses an arrow added the wrong way, in each direction", () => {
    const cases: [string, string, boolean][] = [
      ["src/core/db/posts", "src/router/http/problem", false],
      ["src/core/db/posts", CONTRACT, false],
      ["src/core/db/posts", "objects/publishing/scheduler", false],
      ["objects/publishing/scheduler", "src/router/http/problem", false],
      ["src/router/routes/posts", "objects/publishing/scheduler", false],
      [CONTRACT, "objects/publishing/outcome", false],
      [CONTRACT, "src/router/http/problem", false],
      ["src/router/routes/posts", "worker/index", false],
      ["objects/publishing/scheduler", "bench/worker/index", false],
      ["src/router/routes/posts", CONTRACT, true],
      ["src/router/routes/posts", "src/core/db/posts", true],
      ["objects/publishing/scheduler", "src/core/db/posts", true],
      [CONTRACT, "src/core/platforms/types", true],
    ];
    for (const [from, to, allowed] of cases) {
      expect(wrongWay(from, to) === null, `${from} → ${to}`).toBe(allowed);
    }
  });

  it("has no circle of modules", () => {
    expect(
      circles([
        ["a", "b"],
        ["b", "c"],
        ["c", "a"],
        ["c", "d"],
      ]),
      "a known circle",
    ).toEqual([["a", "b", "c"]]);
    expect(circles(EDGES)).toEqual([]);
  });
});
