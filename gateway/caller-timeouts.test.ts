import { describe, expect, it } from "vitest";
import { callerTimeouts } from "./caller-timeouts.js";

describe("callerTimeouts", () => {
  it("leaves the defaults alone when no flag is given", () => {
    expect(callerTimeouts(undefined, undefined)).toEqual({});
  });

  it("takes whole seconds", () => {
    expect(callerTimeouts("2", "5")).toEqual({ headersTimeoutMs: 2000, requestTimeoutMs: 5000 });
  });

  it("refuses what is not a whole number of seconds, naming the flag", () => {
    expect(() => callerTimeouts("0", undefined)).toThrow(/--headers-timeout-seconds/);
    expect(() => callerTimeouts(undefined, "1.5")).toThrow(/--request-timeout-seconds/);
  });

  it("refuses a request timeout shorter than the headers timeout, the given one or the default", () => {
    expect(() => callerTimeouts("30", "10")).toThrow(/must not be shorter/);
    expect(() => callerTimeouts(undefined, "5")).toThrow(/must not be shorter/);
  });
});
