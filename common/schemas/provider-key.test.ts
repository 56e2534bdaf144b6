import { describe, expect, it } from "vitest";
import { providerKeySpecSchema } from "./provider-key.js";

const bedrock = (region: string) => ({
  provider: "bedrock",
  region,
  credentials: { secretKeyRef: { name: "aws", key: "credentials" } },
});

describe("ProviderKey region", () => {
  it("takes the regions the clouds use", () => {
    for (const region of ["us-east-1", "eu-central-2", "us-gov-west-1", "global", "europe-west4"]) {
      expect(providerKeySpecSchema.safeParse(bedrock(region)).success, region).toBe(true);
    }
  });

  it("security: refuses a region that would change the upstream host or path", () => {
    for (const region of [
      "evil.com/x?",
      "us-east-1.evil.com",
      "US-EAST-1",
      "us east 1",
      "-us",
      "us-",
      "a@b",
      "",
    ]) {
      const result = providerKeySpecSchema.safeParse(bedrock(region));
      expect(result.success, region).toBe(false);
      expect(result.error?.issues.map((i) => i.message).join()).toMatch(/region must be lower-case/);
    }
  });
});
