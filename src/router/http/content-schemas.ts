// Request and response pieces shared by the content and skills routes.
import { z } from "@hono/zod-openapi";
import { ID_PREFIXES, type IdKind, idPattern } from "../../core/db/ids";
import { CONTENT_PLATFORMS } from "../../core/platforms/types";

export const Timestamp = z.string().openapi({ format: "date-time", example: "2026-11-25T09:30:00.000Z" });

export const PlatformField = z.enum(CONTENT_PLATFORMS);

/** A path parameter holding an id of `kind`: a bad id is a 400 naming the parameter. */
export function idParam(kind: IdKind, name = "id") {
  return z
    .string()
    .regex(idPattern(kind), `a ${kind} id (${ID_PREFIXES[kind]}_...)`)
    .openapi({ param: { name, in: "path" } });
}

/** An optional id of `kind` in a body or query. */
export function idField(kind: IdKind) {
  return z.string().regex(idPattern(kind), `a ${kind} id (${ID_PREFIXES[kind]}_...)`);
}

/** Short labels (guards, tags, revision labels): trimmed, non-empty, distinct. */
export function labelList(max: number) {
  return z
    .array(z.string().trim().min(1).max(100))
    .max(max)
    .refine((labels) => new Set(labels).size === labels.length, "labels must be distinct");
}

export const ScoreField = z.number().min(0).max(1);

/** A filter value: one value or a list of them (any of them), always handed on as a list. */
export function oneOrMany<T extends z.ZodType>(item: T) {
  return z.union([item, z.array(item).min(1).max(20)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);
}
