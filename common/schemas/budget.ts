import { z } from "zod";
import { withCrossFieldRules } from "./cross-field-rules.js";

/** USD spend caps per UTC calendar day and month, as a Policy and a ProviderKey set them. */
export const budgetSchema = withCrossFieldRules(
  z.object({
    usdPerDay: z.number().gt(0).optional().describe("USD per UTC calendar day."),
    usdPerMonth: z.number().gt(0).optional().describe("USD per UTC calendar month."),
  }),
  [
    {
      rule: "!has(self.usdPerDay) || !has(self.usdPerMonth) || self.usdPerDay <= self.usdPerMonth",
      message: "budget.usdPerDay must not exceed budget.usdPerMonth",
      holds: (b) => b.usdPerDay === undefined || b.usdPerMonth === undefined || b.usdPerDay <= b.usdPerMonth,
    },
  ],
);
