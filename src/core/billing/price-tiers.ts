// Which tier each Stripe price buys (docs/billing.md, Stripe and subscription states): the
// STRIPE_PRICE_TIERS variable of wrangler.toml, a JSON object from price id to tier, e.g.
// {"price_1Q…": "standard", "price_1R…": "enterprise"}. Read by the webhook on every
// event (a map that does not parse refuses the event with 503: Stripe sends it again once
// the configuration is fixed) and checked by `npm run deploy:check`
// (scripts/production-config.ts), which imports this file as it is, in Node: it imports
// nothing (stripe-events.ts checks these tiers are src/core/db/tenants.ts's TIERS).

/** The tiers a price may map to, lowest first. */
export const PRICE_TIER_RANK = ["free", "standard", "enterprise"] as const;
export type Tier = (typeof PRICE_TIER_RANK)[number];
const TIER_RANK = PRICE_TIER_RANK;

export type PriceTiers = ReadonlyMap<string, Tier>;

export type PriceTiersParse = { ok: true; tiers: PriceTiers } | { ok: false; problem: string };

/** STRIPE_PRICE_TIERS read and checked; a missing variable is an empty map (no price changes a tier). */
export function parsePriceTiers(text: string | undefined): PriceTiersParse {
  if (text === undefined || text.trim() === "") return { ok: true, tiers: new Map() };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: "STRIPE_PRICE_TIERS is not JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, problem: 'STRIPE_PRICE_TIERS must be a JSON object: {"price_…": "standard", …}' };
  }
  const tiers = new Map<string, Tier>();
  for (const [price, tier] of Object.entries(value)) {
    if (!/^price_[A-Za-z0-9_]{1,200}$/.test(price)) {
      return { ok: false, problem: `STRIPE_PRICE_TIERS: "${price.slice(0, 80)}" is not a Stripe price id (price_…)` };
    }
    if (!(TIER_RANK as readonly unknown[]).includes(tier)) {
      return {
        ok: false,
        problem: `STRIPE_PRICE_TIERS: ${price} maps to "${String(tier)}", not one of ${TIER_RANK.join(", ")}`,
      };
    }
    tiers.set(price, tier as Tier);
  }
  return { ok: true, tiers };
}

/** The tier the prices buy: the highest any of them maps to; null when none is in the map. */
export function tierOfPrices(tiers: PriceTiers, prices: readonly string[]): Tier | null {
  let best: Tier | null = null;
  for (const price of prices) {
    const tier = tiers.get(price);
    if (tier && (best === null || TIER_RANK.indexOf(tier) > TIER_RANK.indexOf(best))) best = tier;
  }
  return best;
}
