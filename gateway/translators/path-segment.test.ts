import { describe, expect, it } from "vitest";
import { callerSegment, configSegment, regionLabel, segmentProblem } from "./path-segment.js";
import { HOSTILE_SEGMENTS, ORDINARY_SEGMENTS } from "./testing/hostile-segments.js";

describe("segmentProblem", () => {
  it.each(HOSTILE_SEGMENTS)("security: refuses %j (%s)", (value) => {
    expect(segmentProblem(value)).toBeDefined();
    expect(() => callerSegment(value, "model")).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => configSegment(value, "ns/p", "region")).toThrow(expect.objectContaining({ status: 500 }));
  });

  it.each(ORDINARY_SEGMENTS)("accepts %s and encodes it as one segment", (value) => {
    expect(segmentProblem(value)).toBeUndefined();
    expect(decodeURIComponent(callerSegment(value, "model"))).toBe(value);
    expect(callerSegment(value, "model")).not.toContain("/");
  });

  it("names the parameter and the problem, not the value", () => {
    expect(() => callerSegment("..", "model")).toThrow(
      expect.objectContaining({ message: "model cannot be sent upstream: it is a dot segment", status: 400 }),
    );
  });
});

describe("regionLabel", () => {
  it.each(["us-east-1", "europe-west4", "global"])("accepts %s", (r) => {
    expect(regionLabel(r, "ns/p")).toBe(r);
  });
  it.each(["", "x@127.0.0.1/", "us-east-1.evil.example#", "US-EAST-1", "a..b", "-a"])(
    "security: refuses %j as a host label",
    (r) => {
      expect(() => regionLabel(r, "ns/p")).toThrow(expect.objectContaining({ status: 500 }));
    },
  );
});
