import { describe, expect, it } from "vitest";
import { z } from "zod";
import { toStructuralSchema } from "./to-structural-schema.js";

describe("toStructuralSchema", () => {
  it("keeps types, bounds, defaults and CEL rules", () => {
    const schema = z
      .object({ n: z.number().int().min(1).default(1), at: z.iso.datetime().optional() })
      .meta({ "x-kubernetes-validations": [{ rule: "self.n > 0", message: "n" }] });
    expect(toStructuralSchema(schema)).toEqual({
      type: "object",
      properties: {
        n: { type: "integer", minimum: 1, default: 1 },
        at: { type: "string", format: "date-time" },
      },
      "x-kubernetes-validations": [{ rule: "self.n > 0", message: "n" }],
    });
  });

  it("maps records to additionalProperties", () => {
    expect(toStructuralSchema(z.record(z.string(), z.number()))).toMatchObject({
      type: "object",
      additionalProperties: { type: "number" },
    });
  });

  it("refuses a union, which is not structural", () => {
    expect(() => toStructuralSchema(z.object({ u: z.union([z.string(), z.number()]) }))).toThrow(
      /\$\.u: "anyOf" is not allowed/,
    );
  });
});
