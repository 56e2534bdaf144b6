import { describe, expect, it } from "vitest";
import { entrypointNodeFlags, imageNodeFlags } from "./image-node-flags.js";

describe("the image's Node flags", () => {
  it("are the arguments between node and the script", () => {
    expect(
      entrypointNodeFlags('FROM x\nENTRYPOINT ["node", "--a=1", "--b", "/app/main.js"]\nCMD ["--help"]'),
    ).toEqual(["--a=1", "--b"]);
    expect(entrypointNodeFlags('ENTRYPOINT ["node", "/app/main.js"]')).toEqual([]);
  });

  it("refuses an ENTRYPOINT that is missing or does not run node", () => {
    expect(() => entrypointNodeFlags("FROM x")).toThrow(/no ENTRYPOINT/);
    expect(() => entrypointNodeFlags('ENTRYPOINT ["tini", "--", "node"]')).toThrow(/not \["node"/);
    expect(() => entrypointNodeFlags("ENTRYPOINT node /app/main.js")).toThrow();
  });

  it("include the young generation's size in the real Dockerfile", () => {
    expect(imageNodeFlags()).toContain("--max-semi-space-size=8");
  });
});
