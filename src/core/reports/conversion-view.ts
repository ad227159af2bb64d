// A conversion as the API shows it: the seed's columns under their API names, and
// its attribution (null for a page view, which is a touch rather than a conversion).
import type { AttributionRow } from "../db/conversion-attributions";
import type { ConversionRow } from "../db/conversions";
import { iso } from "../db/time";
import { attributionView } from "./conversion-attribution";

export function conversionSummary(row: ConversionRow) {
  return {
    id: row.conversion_id,
    post_id: row.post_id,
    type: row.conversion_type,
    value: row.value,
    session_id: row.session_id,
    visitor_id: row.user_id,
    utm: {
      source: row.utm_source,
      medium: row.utm_medium,
      campaign: row.utm_campaign,
      content: row.utm_content,
      term: row.utm_term,
    },
    tracked_at: iso(row.tracked_at),
  };
}

export function toConversion(row: ConversionRow, attribution: readonly AttributionRow[] | undefined) {
  return {
    ...conversionSummary(row),
    attribution: attribution && attribution.length > 0 ? attributionView(attribution) : null,
  };
}
