import { z } from "zod";
import { providerNames } from "../../common/schemas/provider-key.js";

/** USD per million tokens; the upper bound only catches a misplaced decimal point. */
const rate = z.number().min(0).max(10_000);

const tierSchema = z.strictObject({
  input: rate,
  output: rate,
  cachedInput: rate.optional(),
});

const modelPriceSchema = tierSchema.extend({
  longContext: tierSchema.extend({ aboveInputTokens: z.number().int().positive() }).optional(),
});
export type ModelPrice = z.infer<typeof modelPriceSchema>;

/** Lower case, because lookups lower-case the model a response names. */
const modelId = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, "model ids are lower-case [a-z0-9._-]");

const providerName = z.enum(providerNames);

const sectionSchema = z.strictObject({
  inherits: providerName.optional(),
  models: z.record(modelId, modelPriceSchema),
});

export const priceFileSchema = z
  .strictObject({
    $comment: z.string(),
    pricesAsOf: z.iso.date(),
    unit: z.literal("USD per million tokens"),
    providers: z.partialRecord(providerName, sectionSchema),
  })
  .superRefine((file, ctx) => {
    for (const [name, section] of Object.entries(file.providers)) {
      // One level of inheritance keeps lookups obvious; a chain or a dangling name is a data error.
      const parent = section?.inherits;
      if (parent === undefined) continue;
      const target = file.providers[parent];
      if (parent === name || target === undefined || target.inherits !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["providers", name, "inherits"],
          message: `must name another provider section that inherits nothing (got ${parent})`,
        });
      }
    }
  });
export type PriceFile = z.infer<typeof priceFileSchema>;
