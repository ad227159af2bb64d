// What a new API key is for approvals (docs/approvals.md): an agent's key or a standard
// one, and whether its posts wait. A key made with another key never escapes the
// approval its maker is under: a key made with an agent key is an agent key, and one
// made with a key whose posts wait has its posts wait too. An omitted field is
// inherited from the creating key (a session makes a standard key whose posts go out).
// A request beyond that is refused (403 naming the field), as the other bounds are
// (./key-bounds.ts).
import type { KeyKind } from "../../core/auth/approvals";
import { type FieldError, ProblemError } from "../http/problem";

export interface KeyApproval {
  kind: KeyKind;
  requiresApproval: boolean;
}

/** The new key's kind and requires_approval, from the creating key's (null: a session). */
export function boundKeyApproval(
  parent: { kind: KeyKind; requires_approval: number } | null,
  request: { kind?: KeyKind; requiresApproval?: boolean },
): KeyApproval {
  const kind = request.kind ?? parent?.kind ?? "standard";
  const requiresApproval = request.requiresApproval ?? parent?.requires_approval === 1;
  const errors: FieldError[] = [];
  if (parent?.kind === "agent" && kind !== "agent") {
    errors.push({ in: "body", field: "kind", message: "A key made with an agent key is an agent key" });
  }
  if (parent?.requires_approval === 1 && !requiresApproval) {
    errors.push({
      in: "body",
      field: "requires_approval",
      message: "The key making this one has its posts wait for approval; so must this one",
    });
  }
  if (errors.length > 0) {
    throw new ProblemError(
      "forbidden",
      `A new key may not escape the approval its maker is under: ${errors.map((e) => e.field).join(", ")}`,
      { errors },
    );
  }
  return { kind, requiresApproval };
}
