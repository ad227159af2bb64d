// Every table of the TenantObject's own SQLite (objects/schema/tenant-migrations.ts), and
// what a tenant's export does with it (docs/privacy.md, "The TenantObject's state"): the
// state the tenant's work lives in (publishing windows, the schedule, live counters, the
// campaign ledger, audit rows on their way to the shard) is written to object/<table>.ndjson;
// bookkeeping of the object itself and security state (throttles, bearer tickets,
// pending authorizations) is left out, named in the manifest with why. A table missing
// here is left out as unclassified, and test/privacy/tenant-export.test.ts fails until
// it is classified: an object migration that adds a table adds it here.

export type ObjectTableRule =
  | {
      table: string;
      export: true;
      /** The keyset order: ["rowid"], or the primary key of a WITHOUT ROWID table. */
      key: readonly string[];
      /** Columns left out of every row, and why. */
      withheld?: Readonly<Record<string, string>>;
    }
  | { table: string; export: false; reason: string };

const exported = (table: string, withheld?: Record<string, string>, key: readonly string[] = ["rowid"]) =>
  ({ table, export: true, key, ...(withheld ? { withheld } : {}) }) as const;
const left = (table: string, reason: string) => ({ table, export: false, reason }) as const;

const BOOKKEEPING = "the object's own bookkeeping, not the tenant's data";

export const OBJECT_TABLES: readonly ObjectTableRule[] = [
  // API keys' exact hourly windows and their use (objects/identity/api-key-window.ts).
  exported("api_key_hits"),
  exported("api_key_usage"),
  // Publishing windows and what the platforms reported (objects/publishing/rate-windows.ts).
  exported("rate_hits"),
  exported("platform_quota"),
  exported("usage_buckets"),
  // The schedule, publishes in flight and Instagram videos still processing.
  exported("scheduled_posts"),
  // Posts waiting for an approver, as drafted or last edited (objects/publishing/approvals.ts).
  exported("pending_approvals", undefined, ["request_id"]),
  exported("attempts"),
  exported("media_containers"),
  // The object's watches on posts (objects/publishing/reconcile.ts, preflight.ts): outcomes
  // not learned being reconciled with the platform, and the pre-flight checks of
  // scheduled posts with the risk each found.
  exported("reconciliations", undefined, ["attempt_id"]),
  exported("preflight_checks", undefined, ["request_id"]),
  // Live counters, the per-minute series and the insight pulls (objects/analytics/).
  exported("post_counters"),
  exported("engagement_minutes"),
  exported("insight_syncs"),
  // ROI by campaign's running totals (objects/analytics/campaign-ledger.ts).
  exported("campaign_posts"),
  exported("campaign_totals", undefined, ["window_days", "campaign_id"]),
  // The plan's posts counted per month (objects/publishing/post-quota.ts).
  exported("monthly_posts", undefined, ["month"]),
  // Audit rows waiting for the shard: the tenant's trail.
  exported("audit_outbox"),
  // Webhook events waiting for the shard and the queue (objects/webhooks/webhook-outbox.ts):
  // the shard's webhook_events is exported, so an event is in the export whichever side
  // of the drain it is on. Its body is what the endpoints receive (no secret: the
  // signature is made at delivery).
  exported("webhook_outbox"),
  // Who is signed in, since when, until when; a session's id is what its token carries.
  exported("sessions", { session_id: "the id a session token carries" }),
  // What members granted OAuth clients (objects/identity/oauth-grants.ts): who, which client,
  // which scopes, since when; never the digests of its tokens.
  exported(
    "oauth_grants",
    {
      access_hash: "the digest of a live access token: a credential",
      refresh_hash: "the digest of a live refresh token: a credential",
      previous_refresh_hash: "the digest of a replaced refresh token: a credential",
    },
    ["grant_id"],
  ),
  left("meta", BOOKKEEPING),
  left("_object_migrations", BOOKKEEPING),
  left("timers", BOOKKEEPING),
  left("tenant_move", BOOKKEEPING),
  left("move_keys", BOOKKEEPING),
  left("campaign_windows", BOOKKEEPING),
  left("webhook_post_sequences", "each post's last webhook sequence number: the events carry theirs"),
  left("campaign_conversions", "conversions credited in the last hours, by id: kept only so none counts twice"),
  left("counted_posts", "which posts the month's count holds, so none counts twice: the count is exported"),
  left("account_state", "token versions and refresh leases: credentials' bookkeeping"),
  left("oauth_states", "pending authorizations: their PKCE verifiers are secrets"),
  left("oauth_codes", "single-use authorization codes of MCP clients, five minutes: credentials"),
  left("live_tickets", "single-use bearer tickets for live dashboards: credentials"),
  left("password_resets", "digests of password-reset links: credentials"),
  left("totp_steps", "the last second-factor step per user: replay protection"),
  left("login_attempts", "the sign-in throttle (15 minutes): security state"),
  left("login_failures", "the sign-in throttle (a day): security state"),
  left("idempotency", "answers kept 24 hours to replay a repeated request"),
  left("ingest_batches", "batch keys kept a day to apply each batch once"),
  left("tenant_exports", "the exports themselves"),
  left("export_files", "the exports themselves"),
];

/** SQLite's and the runtime's own tables, never the object's schema. */
export function isInternalTable(name: string): boolean {
  return name.startsWith("sqlite_") || name.startsWith("_cf_");
}
