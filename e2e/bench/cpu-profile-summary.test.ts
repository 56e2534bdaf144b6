import { describe, expect, it } from "vitest";
import {
  busyFraction,
  byFunction,
  byOrigin,
  type CpuProfile,
  lastSeconds,
  originOf,
} from "./cpu-profile-summary.js";

const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber });

const profile: CpuProfile = {
  startTime: 0,
  endTime: 1,
  nodes: [
    { id: 1, callFrame: frame("(root)", ""), hitCount: 0 },
    { id: 2, callFrame: frame("(idle)", ""), hitCount: 50 },
    { id: 3, callFrame: frame("(garbage collector)", ""), hitCount: 10 },
    {
      id: 4,
      callFrame: frame("fetch", "file:///app/node_modules/undici/lib/web/fetch/index.js", 9),
      hitCount: 20,
    },
    { id: 5, callFrame: frame("writev", "node:internal/stream_base_commons"), hitCount: 5 },
    {
      id: 6,
      callFrame: frame("handleInference", "file:///app/dist/gateway/pipeline/handle-inference.js", 99),
      hitCount: 15,
    },
  ],
};

describe("cpu profile summary", () => {
  it("tells packages, Node, our files and V8's buckets apart", () => {
    expect(originOf(frame("x", "file:///a/node_modules/@smithy/signature-v4/dist/index.js"))).toBe(
      "@smithy/signature-v4",
    );
    expect(originOf(frame("x", "file:///a/node_modules/express/lib/router.js"))).toBe("express");
    expect(originOf(frame("x", "node:http"))).toBe("node internals");
    expect(originOf(frame("x", "file:///a/dist/gateway/app.js"))).toBe("kuberelay gateway/app");
    expect(originOf(frame("(garbage collector)", ""))).toBe("(garbage collector)");
    expect(originOf(frame("parse", ""))).toBe("(native)");
  });

  it("shares the busy samples, idle left out", () => {
    expect(busyFraction(profile)).toBe(0.5);
    expect(byOrigin(profile).slice(0, 2)).toEqual([
      { name: "undici", percent: 40 },
      { name: "kuberelay gateway/pipeline/handle-inference", percent: 30 },
    ]);
    expect(byFunction(profile)[0]).toEqual({ name: "fetch undici:10", percent: 40 });
    expect(byFunction(profile).map((s) => s.name)).not.toContain("(idle)");
  });

  it("keeps only the samples of a window before the end: start-up and shutdown left out", () => {
    // Ticks at 1, 2, 3 and 4 s: start-up (node 4), load (node 6 twice), shutdown (node 5).
    const timed: CpuProfile = {
      ...profile,
      startTime: 0,
      endTime: 4e6,
      samples: [4, 6, 6, 5],
      timeDeltas: [1e6, 1e6, 1e6, 1e6],
    };
    const window = lastSeconds(timed, 1.5, 1);
    expect(window.nodes.map((n) => [n.id, n.hitCount])).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
      [4, 0],
      [5, 0],
      [6, 2],
    ]);
  });
});
