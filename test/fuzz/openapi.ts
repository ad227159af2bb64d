// The operations of the Worker's own OpenAPI document, as the fuzzer needs them: the
// parameters each takes and the fields of its JSON body.
import { call } from "../support/http";

interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
}

interface Schema {
  $ref?: string;
  properties?: Record<string, Schema>;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
}

interface Document {
  paths: Record<
    string,
    Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>
  >;
  components?: { schemas?: Record<string, Schema> };
}

export interface DocumentedOperation {
  /** "METHOD /path/{param}", as the security catalogue names it. */
  name: string;
  pathParams: string[];
  queryParams: string[];
  headerParams: string[];
  hasBody: boolean;
  /** Top-level fields of the JSON body (nested ones are reached through the valid body). */
  bodyFields: string[];
}

function fieldsOf(schema: Schema | undefined, document: Document, seen = new Set<string>()): string[] {
  if (!schema) return [];
  if (schema.$ref) {
    const name = schema.$ref.split("/").pop() as string;
    if (seen.has(name)) return [];
    seen.add(name);
    return fieldsOf(document.components?.schemas?.[name], document, seen);
  }
  const parts = [...(schema.allOf ?? []), ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  return [...Object.keys(schema.properties ?? {}), ...parts.flatMap((part) => fieldsOf(part, document, seen))];
}

export async function documentedOperations(): Promise<Map<string, DocumentedOperation>> {
  const document = (await (await call("/openapi.json")).json()) as Document;
  const operations = new Map<string, DocumentedOperation>();
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const parameters = operation.parameters ?? [];
      const named = (where: Parameter["in"]) => parameters.filter((p) => p.in === where).map((p) => p.name);
      const body = operation.requestBody?.content?.["application/json"]?.schema;
      const name = `${method.toUpperCase()} ${path}`;
      operations.set(name, {
        name,
        pathParams: named("path"),
        queryParams: named("query"),
        headerParams: named("header"),
        hasBody: operation.requestBody !== undefined,
        bodyFields: [...new Set(fieldsOf(body, document))],
      });
    }
  }
  return operations;
}
