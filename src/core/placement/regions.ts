// Where a region's tenants live (ARCHITECTURE.md, Placement): the D1 shards named for the
// region, and the Durable Object placement of their TenantObjects. EU tenants' objects
// are created in the `eu` jurisdiction, so their live state never leaves the EU; the
// others get a location hint for their region (a hint, not a guarantee: Cloudflare
// places an object near the hint when it is first created).
import type { Region } from "../db/tenants";

export interface RegionPlacement {
  /** The middle of its shards' binding names: SHARD_<part>_<n>. */
  bindingPart: string;
  jurisdiction?: DurableObjectJurisdiction;
  locationHint: DurableObjectLocationHint;
}

export const REGION_PLACEMENT: Record<Region, RegionPlacement> = {
  "eu-west": { bindingPart: "EU_WEST", jurisdiction: "eu", locationHint: "weur" },
  "us-east": { bindingPart: "US_EAST", locationHint: "enam" },
  "ap-southeast": { bindingPart: "AP_SOUTHEAST", locationHint: "apac" },
};
