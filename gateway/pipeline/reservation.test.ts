import { describe, expect, it } from "vitest";
import type { PriceUsage } from "./admission.js";
import { dearestReservationUsd, reservationUsd, UNCAPPED_OUTPUT_TOKENS } from "./reservation.js";
import type { Target } from "./types.js";

/** $1 per million input tokens and $4 per million output tokens; "cheap" at a tenth; "free-*" unpriced. */
const price: PriceUsage = ({ model, inputTokens, outputTokens, overrides }) => {
  const own = overrides?.[model];
  if (own) return (inputTokens * own.inputPerMillionTokens + outputTokens * own.outputPerMillionTokens) / 1e6;
  if (model.startsWith("free-")) return undefined;
  const scale = model === "cheap" ? 0.1 : 1;
  return (scale * (inputTokens * 1 + outputTokens * 4)) / 1e6;
};

const target = (model: string, pricing?: Target["provider"]["pricing"]): Target => ({
  provider: {
    id: "ns/p",
    provider: "openai",
    baseURL: "https://api.openai.com/v1",
    region: undefined,
    credential: "sk-x",
    ...(pricing ? { pricing } : {}),
  },
  model,
  timeoutMs: 1000,
});

describe("reservationUsd: the most a request can cost", () => {
  it("counts every request byte as an input token and the output cap as output", () => {
    const usd = reservationUsd(price, target("gpt"), {
      requestBytes: 2_000,
      outputCap: 500,
      generatesOutput: true,
    });
    expect(usd).toBeCloseTo((2_000 + 4 * 500) / 1e6, 12);
  });

  it("reserves UNCAPPED_OUTPUT_TOKENS when neither the request nor the Policy caps the output", () => {
    const usd = reservationUsd(price, target("gpt"), {
      requestBytes: 0,
      outputCap: undefined,
      generatesOutput: true,
    });
    expect(usd).toBeCloseTo((4 * UNCAPPED_OUTPUT_TOKENS) / 1e6, 12);
  });

  it("reserves no output for operations that produce none (embeddings)", () => {
    const usd = reservationUsd(price, target("gpt"), {
      requestBytes: 1_000,
      outputCap: undefined,
      generatesOutput: false,
    });
    expect(usd).toBeCloseTo(1_000 / 1e6, 12);
  });

  it("uses the ProviderKey's own prices, and reserves 0 for a model without one", () => {
    const priced = target("mine", { mine: { inputPerMillionTokens: 10, outputPerMillionTokens: 20 } });
    expect(
      reservationUsd(price, priced, { requestBytes: 100, outputCap: 10, generatesOutput: true }),
    ).toBeCloseTo((100 * 10 + 10 * 20) / 1e6, 12);
    expect(
      reservationUsd(price, target("free-model"), {
        requestBytes: 100,
        outputCap: 10,
        generatesOutput: true,
      }),
    ).toBe(0);
  });

  it("holds the dearest of the targets a request may fall back to", () => {
    const input = { requestBytes: 1_000, outputCap: 100, generatesOutput: true };
    const targets = [target("cheap"), target("gpt"), target("free-x")];
    expect(dearestReservationUsd(price, targets, input)).toBe(reservationUsd(price, target("gpt"), input));
    expect(dearestReservationUsd(price, [], input)).toBe(0);
  });
});
