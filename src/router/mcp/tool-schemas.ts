// A tool's JSON Schemas, read from its operation in the API's own OpenAPI document: the
// document the routes' zod schemas make (src/router/app.ts, /openapi.json), so a tool's
// arguments are the operation's path, query and header parameters and body fields, with
// their descriptions and bounds, and its structured answer is the operation's success
// body. Both follow the API when a route changes. The document's component references
// become the schema's own $defs (OpenAPI 3.1 schemas are JSON Schema 2020-12, the
// dialect MCP assumes).
import type { ToolSpec } from "./catalogue";

type Json = Record<string, unknown>;

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Json;
}

interface Operation {
  operationId?: string;
  summary?: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Json }> };
  responses?: Record<string, { content?: Record<string, { schema?: Json }> }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation | undefined> | undefined>;
  components?: { schemas?: Record<string, Json> };
}

/** Where an argument goes in the operation's request. */
export interface ArgumentPlace {
  in: "path" | "query" | "header" | "body";
  /** Its name there (a header's own name: "idempotency-key"). */
  name: string;
}

export interface ToolShape {
  spec: ToolSpec;
  operationId: string | null;
  summary: string | null;
  inputSchema: Json & { type: "object" };
  outputSchema: Json & { type: "object" };
  places: Record<string, ArgumentPlace>;
  hasBody: boolean;
}

const COMPONENT_REF = "#/components/schemas/";

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** `node` with every component reference pointing into `defs`, which gathers them (and theirs). */
function localise(node: unknown, document: OpenApiDocument, defs: Json): unknown {
  if (Array.isArray(node)) return node.map((item) => localise(item, document, defs));
  if (node === null || typeof node !== "object") return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === "$ref" && typeof value === "string" && value.startsWith(COMPONENT_REF)) {
      const name = value.slice(COMPONENT_REF.length);
      if (!(name in defs)) {
        defs[name] = {};
        defs[name] = localise(componentOf(document, name), document, defs);
      }
      out.$ref = `#/$defs/${name}`;
    } else out[key] = localise(value, document, defs);
  }
  return out;
}

function componentOf(document: OpenApiDocument, name: string): Json {
  const schema = document.components?.schemas?.[name];
  if (!schema) throw new Error(`The API's document has no schema ${name}`);
  return schema;
}

/** A schema as a root: a component reference is replaced by the component itself. */
function rootOf(schema: Json, document: OpenApiDocument): Json {
  const ref = schema.$ref;
  if (typeof ref === "string" && ref.startsWith(COMPONENT_REF))
    return clone(componentOf(document, ref.slice(COMPONENT_REF.length)));
  return clone(schema);
}

function withDefs<T extends Json>(schema: T, defs: Json): T {
  return Object.keys(defs).length > 0 ? { ...schema, $defs: defs } : schema;
}

/** The argument a parameter is given as: a header's name in snake case ("idempotency_key"). */
function argumentName(parameter: Parameter): string {
  return parameter.in === "header" ? parameter.name.toLowerCase().replaceAll("-", "_") : parameter.name;
}

function successBody(operation: Operation): Json | undefined {
  for (const status of ["200", "201", "202"]) {
    const schema = operation.responses?.[status]?.content?.["application/json"]?.schema;
    if (schema) return schema;
  }
  return undefined;
}

/** The schemas and argument places of `spec`'s tool, from the API's document. */
export function toolShape(spec: ToolSpec, document: OpenApiDocument): ToolShape {
  const operation = document.paths[spec.operation.path]?.[spec.operation.method];
  if (!operation) throw new Error(`The API has no operation ${spec.operation.method} ${spec.operation.path}`);

  const inputDefs: Json = {};
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  const places: Record<string, ArgumentPlace> = {};
  for (const parameter of operation.parameters ?? []) {
    if (!["path", "query", "header"].includes(parameter.in)) continue;
    const name = argumentName(parameter);
    const schema = localise(parameter.schema ?? {}, document, inputDefs) as Json;
    properties[name] = parameter.description ? { ...schema, description: parameter.description } : schema;
    places[name] = { in: parameter.in as ArgumentPlace["in"], name: parameter.name };
    if (parameter.required) required.push(name);
  }
  const bodySchema = operation.requestBody?.content?.["application/json"]?.schema;
  if (bodySchema) {
    const body = localise(rootOf(bodySchema, document), document, inputDefs) as Json;
    for (const [name, schema] of Object.entries((body.properties as Json | undefined) ?? {})) {
      properties[name] = schema;
      places[name] = { in: "body", name };
    }
    for (const name of (body.required as string[] | undefined) ?? []) required.push(name);
  }
  if (spec.accountByPlatform) {
    // draft_post: the account, or a platform on which the tenant has one active account.
    properties.platform = {
      type: "string",
      enum: spec.accountByPlatform,
      description:
        "Instead of account_id: the platform of the tenant's one active account there (refused, naming them, when there are several)",
    };
    required.splice(required.indexOf("account_id"), 1);
  }
  const inputSchema = withDefs(
    { type: "object" as const, properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false },
    inputDefs,
  );

  const success = successBody(operation);
  if (!success) throw new Error(`${spec.name}: the operation has no JSON success body`);
  const outputDefs: Json = {};
  const output = localise(rootOf(success, document), document, outputDefs) as Json;
  if (output.type !== "object") throw new Error(`${spec.name}: the operation's success body is not an object`);
  return {
    spec,
    operationId: operation.operationId ?? null,
    summary: operation.summary ?? null,
    inputSchema,
    outputSchema: withDefs(output as Json & { type: "object" }, outputDefs),
    places,
    hasBody: bodySchema !== undefined,
  };
}
