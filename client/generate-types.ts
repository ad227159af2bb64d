// The client's types, generated from the OpenAPI document the Worker serves at
// /openapi.json by openapi-typescript (client/package.json pins it, with the
// TypeScript 5 its printer needs; the project itself type-checks with TypeScript 7).
// Used by `npm run client:generate` and by the test that fails when they are stale.
import openapiTS, { astToString, COMMENT_HEADER, type OpenAPI3 } from "openapi-typescript";

/** Where the generated types are committed. */
export const SCHEMA_FILE = "client/schema.d.ts";

/** The generated module for `document`: the same document always gives the same text. */
export async function schemaModule(document: unknown): Promise<string> {
  // A copy: openapi-typescript annotates the document it reads. A field with a default
  // stays optional unless the document requires it: the server supplies the default.
  const nodes = await openapiTS(structuredClone(document) as OpenAPI3, { silent: true, defaultNonNullable: false });
  return `${COMMENT_HEADER}${astToString(nodes)}`;
}
