// The three vector indexes of the approved schema (brand voice, skills, knowledge): what each holds, its dimension and
// metric, and the metadata properties it can filter on. Vectorize filters only on
// properties that have a metadata index (created before the first vector is written,
// see docs/deploying.md); the embedded index refuses a filter on any other property, so a query
// that would silently match nothing in production fails loudly in tests.

export type MetadataIndexType = "string" | "number" | "boolean";

export interface VectorIndexSpec {
  /** The Vectorize index name (`wrangler vectorize create <name>`). */
  readonly name: string;
  readonly dimensions: number;
  readonly metric: VectorizeDistanceMetric;
  /** Properties with a metadata index: the only ones a filter may name. */
  readonly metadataIndexes: Readonly<Record<string, MetadataIndexType>>;
}

export const VECTOR_INDEXES = {
  /** One vector per tenant (id = tenant id, namespace = tenant id): the brand voice. */
  brandVoice: {
    name: "nds-brand-voice",
    dimensions: 1536,
    metric: "cosine",
    metadataIndexes: { tenant_id: "string", region: "string" },
  },
  /** One vector per skill (id = skill id): the active version's embedding. */
  skills: {
    name: "nds-skills",
    dimensions: 1024,
    metric: "cosine",
    metadataIndexes: {
      task: "string",
      platform: "string",
      modality: "string",
      status: "string",
      visibility: "string",
    },
  },
  /** One vector per active knowledge entry (id = entry id, namespace = tenant id). */
  knowledge: {
    name: "nds-knowledge",
    dimensions: 1536,
    metric: "cosine",
    metadataIndexes: { tenant_id: "string", entry_type: "string", category: "string" },
  },
} as const satisfies Record<string, VectorIndexSpec>;

export type VectorIndexKind = keyof typeof VECTOR_INDEXES;
