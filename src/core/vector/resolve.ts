// Which backend serves an index: the Vectorize binding when the environment has one,
// otherwise the embedded index (local dev and tests; see README for production).
import { EmbeddedVectorIndex } from "./embedded-index";
import { VECTOR_INDEXES, type VectorIndexKind } from "./indexes";
import { VectorizeBindingIndex } from "./vectorize-binding";

const BINDINGS = {
  brandVoice: "VECTORIZE_BRAND_VOICE",
  skills: "VECTORIZE_SKILLS",
  knowledge: "VECTORIZE_KNOWLEDGE",
} as const satisfies Record<VectorIndexKind, keyof Env>;

export function vectorIndex(env: Env, kind: VectorIndexKind): VectorizeIndex {
  const spec = VECTOR_INDEXES[kind];
  const binding = env[BINDINGS[kind]];
  return binding ? new VectorizeBindingIndex(binding, spec) : new EmbeddedVectorIndex(env.VectorIndexObject, spec);
}
