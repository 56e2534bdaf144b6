import type { PriceUsage } from "./admission.js";
import type { Target } from "./types.js";

/** The output tokens a request reserves when neither it nor its Policy caps them. */
export const UNCAPPED_OUTPUT_TOKENS = 4096;

export interface ReservationInput {
  /** The request body's size: no request has more input tokens than bytes. */
  requestBytes: number;
  /** Its output-token cap (its own, or the Policy's that the gateway set); undefined if none. */
  outputCap: number | undefined;
  /** False for embeddings and token counts, which produce no output tokens. */
  generatesOutput: boolean;
}

/**
 * The most a request can cost on `target`, which its budgets hold while it runs: every byte an
 * input token, and its output cap (or UNCAPPED_OUTPUT_TOKENS) as output tokens. 0 for a model
 * without a price: its cost is counted as 0 as well.
 */
export function reservationUsd(price: PriceUsage, target: Target, input: ReservationInput): number {
  const outputTokens = input.generatesOutput ? (input.outputCap ?? UNCAPPED_OUTPUT_TOKENS) : 0;
  return (
    price({
      provider: target.provider.provider,
      model: target.model,
      inputTokens: input.requestBytes,
      outputTokens,
      ...(target.provider.pricing ? { overrides: target.provider.pricing } : {}),
    }) ?? 0
  );
}

/** The reservation a request's own limits and budgets take: the dearest target it may fall back to. */
export function dearestReservationUsd(
  price: PriceUsage,
  targets: readonly Target[],
  input: ReservationInput,
) {
  return targets.reduce((most, t) => Math.max(most, reservationUsd(price, t, input)), 0);
}
