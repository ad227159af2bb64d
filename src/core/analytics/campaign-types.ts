// What the TenantObject's campaign ledger (objects/analytics/campaign-ledger.ts) takes
// and answers over RPC; the contract (objects/tenant-object/contract.ts) re-exports these
// for the router.

import type { ConversionType } from "../db/conversions";
import type { AttributionModel } from "./attribution";
import type { RoiWindow } from "./roi-windows";

/** A campaign's sums over a window under one model. */
export interface CampaignSums {
  campaign_id: string;
  posts: number;
  impressions: number;
  clicks: number;
  page_views: number;
  conversions: number;
  revenue: number;
}

export interface CampaignRoiRow extends CampaignSums {
  cost: number;
  roi_percent: number;
}

export interface CampaignRoiQuery {
  window: RoiWindow;
  model: AttributionModel;
  costPerPost: number;
  /** The last row of the previous page. */
  after?: { roi: number; campaign: string };
  limit: number;
}

export interface CampaignRoiPage {
  rows: CampaignRoiRow[];
  hasMore: boolean;
  /** The window's start: posts published at or after it count. */
  sinceMs: number;
  /** Rows the object's SQLite read to answer (its own count, as D1 bills rows read). */
  rowsRead: number;
}

/** A recorded conversion, as the ledger credits it (POST /v1/conversions, after D1 has it). */
export interface ConversionCredit {
  conversionId: string;
  type: ConversionType;
  /** The post the conversion came through: a page view counts as its visit. */
  postId: string;
  value: number;
  /** Each touch's share under each model (conversion_attributions); none for a page view. */
  touches: { postId: string; model: AttributionModel; weight: number }[];
}

/** What a rebuild from D1 found and did. */
export interface CampaignLedgerRebuild {
  posts: number;
  campaigns: number;
  /** D1's rows read by the rebuild's batch. */
  d1RowsRead: number;
  builtAtMs: number;
}
