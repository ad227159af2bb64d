// Content templates of a tenant (content_templates).
import { CONTENT_PLATFORMS } from "../platforms/types";
import { jsonOrNull, parseJson } from "./json-column";
import type { TenantTable } from "./tenant-rows";
import type { TenantScope } from "./tenant-scope";
import { iso, isoOrNull } from "./time";

export const TEMPLATE_TYPES = ["social_post", "ad", "story", "email"] as const;
export const TEMPLATE_STATUSES = ["active", "archived"] as const;

export const TEMPLATES: TenantTable = {
  table: "content_templates",
  idColumn: "template_id",
  patchable: ["name", "template_type", "platform", "structure", "constraints", "default_copy_blocks", "status"],
  // idx_templates_list (migration 0018): every filter enumerated (the CHECKs' values).
  lists: [
    [
      { column: "status", values: TEMPLATE_STATUSES },
      { column: "template_type", values: TEMPLATE_TYPES },
      { column: "platform", values: CONTENT_PLATFORMS },
    ],
  ],
};

export interface TemplateRow {
  template_id: string;
  tenant_id: string;
  name: string;
  template_type: string;
  platform: string;
  structure: string;
  constraints: string | null;
  default_copy_blocks: string | null;
  use_count: number;
  last_used_at: string | null;
  created_at: string;
  updated_at: string;
  status: string;
}

export function toTemplate(row: TemplateRow) {
  return {
    id: row.template_id,
    name: row.name,
    template_type: row.template_type,
    platform: row.platform,
    structure: parseJson<Record<string, unknown>>(row.structure, {}),
    constraints: parseJson<Record<string, unknown> | null>(row.constraints, null),
    default_copy_blocks: parseJson<Record<string, unknown>[] | null>(row.default_copy_blocks, null),
    status: row.status,
    use_count: row.use_count,
    last_used_at: isoOrNull(row.last_used_at),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

export interface NewTemplate {
  templateId: string;
  name: string;
  templateType: string;
  platform: string;
  structure: Record<string, unknown>;
  constraints: Record<string, unknown> | null;
  defaultCopyBlocks: Record<string, unknown>[] | null;
  now: string;
}

export function insertTemplate(scope: TenantScope, t: NewTemplate): D1PreparedStatement {
  return scope.db
    .prepare(
      `INSERT INTO content_templates (template_id, tenant_id, name, template_type, platform, structure, constraints,
                                      default_copy_blocks, use_count, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 'active', ?, ?)`,
    )
    .bind(
      t.templateId,
      scope.tenantId,
      t.name,
      t.templateType,
      t.platform,
      JSON.stringify(t.structure),
      jsonOrNull(t.constraints),
      jsonOrNull(t.defaultCopyBlocks),
      t.now,
      t.now,
    );
}

/** Counts one use by generated content (in the batch that records the content). */
export function recordTemplateUse(scope: TenantScope, templateId: string, now: string): D1PreparedStatement {
  return scope.db
    .prepare(
      "UPDATE content_templates SET use_count = use_count + 1, last_used_at = ? WHERE tenant_id = ? AND template_id = ?",
    )
    .bind(now, scope.tenantId, templateId);
}
