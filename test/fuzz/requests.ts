// Hostile requests made from a valid one: each run takes the valid path and body of an
// operation and applies one to three mutations (mutations.ts) to its body, path
// parameters, query string or headers.
import { Deep, toJsonText } from "./hostile";
import type { Mutation, SameKind } from "./mutations";
import type { DocumentedOperation } from "./openapi";

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

/** Every path into a JSON value: ["version", "embedding", 3], ... (the value itself excluded). */
function pathsOf(
  value: unknown,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  if (value === null || typeof value !== "object" || value instanceof Deep || out.length > 200) return out;
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.slice(0, 20).map((v, i) => [i, v])
    : Object.entries(value);
  for (const [key, inner] of entries) {
    out.push([...prefix, key]);
    pathsOf(inner, [...prefix, key], out);
  }
  return out;
}

function setAt(root: unknown, path: (string | number)[], value: unknown, remove = false): void {
  let target = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (remove && Array.isArray(target)) target.splice(last as number, 1);
  else if (remove) delete target[last];
  else Object.defineProperty(target, last, { value, enumerable: true, writable: true, configurable: true });
}

/** A hostile value for the leaf at `path`: of its own JSON type when the mutation says so. */
function replacement(
  root: unknown,
  path: (string | number)[],
  mutation: { value: unknown; sameKind: SameKind | null },
): unknown {
  if (!mutation.sameKind) return mutation.value;
  const current = path.reduce<unknown>((value, key) => (value as Record<string | number, unknown>)[key], root);
  if (typeof current === "number") return mutation.sameKind.number;
  if (typeof current === "string") return mutation.sameKind.string;
  if (current !== null && typeof current === "object") return mutation.sameKind.nested;
  return mutation.value;
}

/** The valid call with `applied` mutations. */
export function hostileRequest(
  operation: DocumentedOperation,
  method: string,
  validPath: string,
  validBody: unknown,
  applied: readonly Mutation[],
  headers: Record<string, string>,
): FuzzRequest {
  const [pathPart, queryPart = ""] = validPath.split("?");
  const segments = (pathPart as string).split("/");
  const template = operation.name.slice(operation.name.indexOf(" ") + 1).split("/");
  const paramPositions = template.flatMap((segment, i) => (segment.startsWith("{") ? [i] : []));
  const query: [string, string][] = queryPart
    ? queryPart.split("&").map((pair) => pair.split("=") as [string, string])
    : [];
  let body: unknown = structuredClone(validBody ?? {});
  let raw: string | Uint8Array | undefined;
  let contentType = "application/json";
  const outHeaders = { ...headers };
  for (const mutation of applied) {
    switch (mutation.kind) {
      case "set":
        if (body === null || typeof body !== "object") body = {};
        setAt(body, [mutation.field], mutation.value);
        break;
      case "setNested":
      case "drop": {
        const paths = pathsOf(body);
        const path = paths[mutation.pick % Math.max(paths.length, 1)];
        if (path)
          setAt(
            body,
            path,
            mutation.kind === "setNested" ? replacement(body, path, mutation) : undefined,
            mutation.kind === "drop",
          );
        break;
      }
      case "extra":
        if (body === null || typeof body !== "object" || Array.isArray(body)) body = {};
        setAt(body, [mutation.key], mutation.value);
        break;
      case "body":
        body = mutation.value;
        break;
      case "raw":
        raw = mutation.text;
        break;
      case "bytes":
        raw = Uint8Array.from(mutation.bytes);
        break;
      case "contentType":
        contentType = mutation.value;
        break;
      case "pathParam": {
        const position = paramPositions[mutation.pick % paramPositions.length];
        if (position !== undefined) segments[position] = mutation.segment;
        break;
      }
      case "query":
        query.push([mutation.name, mutation.value]);
        break;
      case "header":
        outHeaders[mutation.name] = mutation.value;
        break;
    }
  }
  const search = query.length > 0 ? `?${query.map(([k, v]) => `${k}=${v}`).join("&")}` : "";
  const bodyless = method === "GET" || method === "HEAD";
  if (!bodyless && contentType) outHeaders["Content-Type"] = contentType;
  return {
    method,
    path: `${segments.join("/")}${search}`,
    headers: outHeaders,
    body: bodyless ? undefined : (raw ?? toJsonText(body)),
  };
}
