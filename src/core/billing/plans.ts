// The plans (docs/billing.md, Tiers and quotas): what each tier allows, and the
// operator's per-tenant overrides in the tenant's settings. One table, read by the
// TenantObject (the monthly posts, objects/publishing/post-quota.ts), by the routes
// that create counted rows (users, API keys, connected accounts, knowledge entries)
// and by GET /v1/tenant/usage. The owner cannot set an override
// (src/router/http/quota-settings.ts): only the operator can.
import type { Tier } from "../db/tenants";

/** The quotas of a plan, by name. */
export const QUOTA_NAMES = ["posts_per_month", "social_accounts", "users", "api_keys", "knowledge_entries"] as const;
export type QuotaName = (typeof QUOTA_NAMES)[number];

/** The quotas that count rows that exist now, and so never reset. */
export type CountQuota = Exclude<QuotaName, "posts_per_month">;

export type Quotas = Record<QuotaName, number>;

/**
 * Each tier's defaults. Posts count per calendar month (UTC) when published or
 * scheduled; the others count what exists: connected accounts (not disconnected),
 * users (not deleted), API keys (active and unexpired) and knowledge entries (archived too).
 */
export const PLAN_QUOTAS: Readonly<Record<Tier, Readonly<Quotas>>> = {
  free: { posts_per_month: 100, social_accounts: 3, users: 3, api_keys: 5, knowledge_entries: 100 },
  standard: { posts_per_month: 2_000, social_accounts: 50, users: 50, api_keys: 200, knowledge_entries: 5_000 },
  enterprise: {
    posts_per_month: 50_000,
    social_accounts: 500,
    users: 1_000,
    api_keys: 2_000,
    knowledge_entries: 100_000,
  },
};

/** The tier of a tenant whose row names none (the column's default). */
export const DEFAULT_TIER: Tier = "standard";

/** The settings key through which the operator overrides each quota for one tenant. */
export const QUOTA_SETTINGS: Readonly<Record<QuotaName, string>> = {
  posts_per_month: "max_posts_per_month",
  social_accounts: "max_social_accounts",
  users: "max_users",
  api_keys: "max_api_keys",
  knowledge_entries: "max_knowledge_entries",
};

/** The largest override the operator may set (a sane cap: far above any tier). */
export const MAX_QUOTA_OVERRIDE = 10_000_000;

/** Whether `value` is an override the settings may hold: an integer from 0 to MAX_QUOTA_OVERRIDE. */
export function isQuotaOverride(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= MAX_QUOTA_OVERRIDE;
}

/**
 * A tenant's quotas: its tier's defaults, each replaced by the operator's override
 * in `settings` when it has one. An override the settings hold that is not one (a
 * row written by hand) is ignored: the tier's default applies.
 */
export function quotasOf(tier: Tier | null | undefined, settings: Record<string, unknown>): Quotas {
  const plan = PLAN_QUOTAS[tier ?? DEFAULT_TIER] ?? PLAN_QUOTAS[DEFAULT_TIER];
  const quotas = { ...plan };
  for (const name of QUOTA_NAMES) {
    const override = settings[QUOTA_SETTINGS[name]];
    if (isQuotaOverride(override)) quotas[name] = override;
  }
  return quotas;
}

/** Which quotas `settings` overrides. */
export function overriddenQuotas(settings: Record<string, unknown>): QuotaName[] {
  return QUOTA_NAMES.filter((name) => isQuotaOverride(settings[QUOTA_SETTINGS[name]]));
}
