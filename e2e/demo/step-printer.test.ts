import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createStepPrinter } from "./step-printer.js";

describe("createStepPrinter", () => {
  it("numbers steps and indents every line shown under them", () => {
    const out = new PassThrough();
    let text = "";
    out.on("data", (chunk: Buffer) => {
      text += chunk.toString();
    });
    const { step, show } = createStepPrinter(out);
    step("first");
    show("a\nb\n");
    step("second");
    expect(text).toMatch(/^\n\[\d+\.\ds\] 1\. first\n {6}a\n {6}b\n\n\[\d+\.\ds\] 2\. second\n$/);
  });
});
