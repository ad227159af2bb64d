// The one request schema for embeddings and query vectors: exactly the index's
// dimensions, every value a finite float32, and for a cosine index a vector that is
// not all zeros once rounded to float32 (src/core/vector/float32.ts says why). A bad element
// is named by its position ("embedding.3"), a vector without direction by the field.
import { z } from "@hono/zod-openapi";
import { float32Faults } from "../../core/vector/float32";
import type { VectorIndexSpec } from "../../core/vector/indexes";

export function vectorField(spec: Pick<VectorIndexSpec, "dimensions" | "metric">) {
  const { dimensions, metric } = spec;
  return z
    .array(z.number())
    .length(dimensions, `exactly ${dimensions} numbers`)
    .superRefine((values, ctx) => {
      for (const fault of float32Faults(values, metric)) {
        ctx.addIssue({ code: "custom", message: fault.message, path: fault.index === null ? [] : [fault.index] });
      }
    })
    .openapi({
      description: `An embedding of ${dimensions} float32 numbers${metric === "cosine" ? ", not all zero" : ""}`,
      example: [0.01, -0.02, 0.03],
    });
}
