// The module specifiers a TypeScript file imports: static imports and re-exports
// (type-only ones included), side-effect imports, dynamic import() and import("…")
// types. Comments are skipped and string contents are never read as code, so a path
// named in a comment or a string is not an import.

/** The file's code with comments blanked out (strings and templates kept as they are). */
function withoutComments(source: string): string {
  let out = "";
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    const next = source[i + 1];
    if (c === "/" && next === "/") {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (c === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      i = end === -1 ? source.length : end + 2;
      out += " ";
    } else if (c === '"' || c === "'" || c === "`") {
      const start = i++;
      while (i < source.length && source[i] !== c) i += source[i] === "\\" ? 2 : 1;
      out += source.slice(start, ++i);
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const PATTERNS = [
  // import x from "m"; import type { X } from "m"; export { x } from "m"; export * from "m"
  /\b(?:import|export)\s[^;"'`]*?\bfrom\s*(["'])([^"']+)\1/g,
  // import "m";
  /\bimport\s*(["'])([^"']+)\1/g,
  // import("m"), in code or in a type
  /\bimport\s*\(\s*(["'])([^"']+)\1\s*\)/g,
];

export function moduleImports(source: string): string[] {
  const code = withoutComments(source);
  const found = new Set<string>();
  for (const pattern of PATTERNS) for (const match of code.matchAll(pattern)) found.add(match[2] as string);
  return [...found];
}

/** `specifier` as imported by the file at `from` (both repository paths), or null when it is a package. */
export function resolvedPath(from: string, specifier: string): string | null {
  if (!specifier.startsWith(".")) return null;
  const parts = from.split("/").slice(0, -1);
  for (const part of specifier.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== ".") parts.push(part);
  }
  return parts.join("/").replace(/\.ts$/, "");
}
