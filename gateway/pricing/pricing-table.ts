import type { ProviderKeySpec, ProviderName } from "../../common/schemas/provider-key.js";
import { priceKeyCandidates } from "./model-id.js";
import shipped from "./prices.json" with { type: "json" };
import { type ModelPrice, type PriceFile, priceFileSchema } from "./prices-schema.js";

/** A ProviderKey's `spec.pricing`: per upstream model, USD per million tokens. */
export type PriceOverrides = NonNullable<ProviderKeySpec["pricing"]>;

export interface CostQuery {
  provider: ProviderName;
  /** The upstream model, as the provider names it in its response (snapshot ids are fine). */
  model: string;
  /** All prompt tokens, cached ones included (for Anthropic: input + cache reads + cache writes). */
  inputTokens: number;
  outputTokens: number;
  /** The part of inputTokens read from the prompt cache; billed at the cached rate where one is known. */
  cachedInputTokens?: number;
  overrides?: PriceOverrides;
}

let table: PriceFile | undefined;

/** The shipped table, validated once on first use rather than on import (no side effects on import). */
export function shippedPrices(): PriceFile {
  table ??= priceFileSchema.parse(shipped);
  return table;
}

/** The date the shipped prices were taken, for a metric or the console to show. */
export const pricesAsOf = (): string => shippedPrices().pricesAsOf;

/**
 * The USD cost of one request, or undefined when the model has no price (the caller counts it as 0
 * and notes the unpriced usage).
 */
export function costUsd(query: CostQuery, prices: PriceFile = shippedPrices()): number | undefined {
  const price = findPrice(query.provider, query.model, query.overrides, prices);
  if (price === undefined) return undefined;
  const input = count(query.inputTokens);
  const cached = Math.min(count(query.cachedInputTokens), input);
  const tier =
    price.longContext !== undefined && input > price.longContext.aboveInputTokens ? price.longContext : price;
  // Without a cached rate the cached tokens cost full price: over-counting is the safe side of a budget.
  const cachedRate = tier.cachedInput ?? tier.input;
  const perMillion =
    (input - cached) * tier.input + cached * cachedRate + count(query.outputTokens) * tier.output;
  return perMillion / 1_000_000;
}

/** The price a model bills at: overrides first, then the provider's section, then the one it inherits. */
export function findPrice(
  provider: ProviderName,
  model: string,
  overrides: PriceOverrides | undefined,
  prices: PriceFile = shippedPrices(),
): ModelPrice | undefined {
  const override = overrides === undefined ? undefined : lowerCased(overrides);
  const section = prices.providers[provider];
  const parent = section?.inherits === undefined ? undefined : prices.providers[section.inherits];
  for (const key of priceKeyCandidates(model, provider)) {
    const found = override?.get(key) ?? section?.models[key] ?? parent?.models[key];
    if (found !== undefined) return found;
  }
  return undefined;
}

const overrideCache = new WeakMap<PriceOverrides, Map<string, ModelPrice>>();

/** Override keys are written by hand in a CRD; match them as case-insensitively as the table. */
function lowerCased(overrides: PriceOverrides): Map<string, ModelPrice> {
  let map = overrideCache.get(overrides);
  if (map === undefined) {
    map = new Map(
      Object.entries(overrides).map(([model, p]) => [
        model.toLowerCase(),
        { input: p.inputPerMillionTokens, output: p.outputPerMillionTokens },
      ]),
    );
    overrideCache.set(overrides, map);
  }
  return map;
}

/** Token counts come from upstream bodies; a missing or negative one must not turn into NaN dollars. */
const count = (tokens: number | undefined) =>
  tokens !== undefined && Number.isFinite(tokens) && tokens > 0 ? tokens : 0;
