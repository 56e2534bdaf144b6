import { describe, expect, it } from "vitest";
import { type PriceFile, priceFileSchema } from "./prices-schema.js";

describe("priceFileSchema", () => {
  const valid: PriceFile = {
    $comment: "x",
    pricesAsOf: "2025-01-01",
    unit: "USD per million tokens",
    providers: { openai: { models: { m: { input: 1, output: 1 } } } },
  };

  it("refuses an inheritance that points nowhere", () => {
    expect(priceFileSchema.safeParse(valid).success).toBe(true);
    const dangling = {
      ...valid,
      providers: { ...valid.providers, vertex: { inherits: "anthropic", models: {} } },
    };
    expect(priceFileSchema.safeParse(dangling).success).toBe(false);
  });

  it("refuses negative prices and upper-case ids", () => {
    const negative = { ...valid, providers: { openai: { models: { m: { input: -1, output: 1 } } } } };
    const upper = { ...valid, providers: { openai: { models: { M: { input: 1, output: 1 } } } } };
    expect(priceFileSchema.safeParse(negative).success).toBe(false);
    expect(priceFileSchema.safeParse(upper).success).toBe(false);
  });
});
