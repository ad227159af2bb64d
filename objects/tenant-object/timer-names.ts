// The names of the TenantObject's timers: the only vocabulary Timers<...> accepts. The
// parts are handed Timers typed by these names (parts.ts), and the map of handlers
// (timers.ts) must hold one for each; kept apart so that neither imports the other.

export type TenantTimer =
  | "flush-key-usage"
  | "flush-audit"
  | "flush-usage"
  | "publish-due"
  | "record-pending"
  | "sweep-attempts"
  | "media-containers"
  | "reconcile-outcomes"
  | "preflight"
  | "token-upkeep"
  | "flush-analytics"
  | "sync-insights"
  | "campaign-ledger"
  | "move-tenant"
  | "tenant-export"
  | "erase-archive"
  | "webhook-events";
