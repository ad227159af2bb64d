// The knowledge entry as the API shows it (shared by the CRUD and search routes).
import { z } from "@hono/zod-openapi";
import { ENTRY_STATUSES, ENTRY_TYPES } from "../../core/db/knowledge";
import { Timestamp } from "./content-schemas";
import { plainText } from "./text-field";

export const KnowledgeEntrySchema = z
  .object({
    id: z.string(),
    title: z.string(),
    entry_type: z.enum(ENTRY_TYPES),
    category: z.string().nullable(),
    content: z.string(),
    metadata: z.record(z.string(), z.unknown()).nullable(),
    has_embedding: z.boolean(),
    status: z.enum(ENTRY_STATUSES),
    access_count: z.number().int(),
    last_accessed_at: Timestamp.nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("KnowledgeEntry");

/** Open vocabulary ("brand_voice", "visual_identity", "messaging", ...). */
export const CategoryField = plainText(1, 64);
