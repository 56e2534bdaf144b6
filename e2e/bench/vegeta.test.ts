import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rssMiBOf } from "./pinned-process.js";
import { parseReport, targetFile } from "./vegeta.js";

describe("vegeta", () => {
  it("reads a report's latencies in milliseconds, its codes and first errors", () => {
    const report = JSON.stringify({
      latencies: { "50th": 420_000, "90th": 900_000, "99th": 1_500_000, max: 9_000_000 },
      requests: 5000,
      throughput: 999.5,
      success: 0.998,
      status_codes: { "200": 4990, "503": 10 },
      errors: ["503 Service Unavailable"],
    });
    expect(parseReport(report)).toEqual({
      requests: 5000,
      throughput: 999.5,
      success: 0.998,
      p50Ms: 0.42,
      p90Ms: 0.9,
      p99Ms: 1.5,
      maxMs: 9,
      statusCodes: { "200": 4990, "503": 10 },
      errors: ["503 Service Unavailable"],
    });
  });

  it("takes a report with no answers (null codes and errors)", () => {
    const r = parseReport(
      JSON.stringify({
        latencies: { "50th": 0, "90th": 0, "99th": 0, max: 0 },
        requests: 0,
        throughput: 0,
        success: 0,
        status_codes: null,
        errors: null,
      }),
    );
    expect(r.statusCodes).toEqual({});
    expect(r.errors).toEqual([]);
  });

  it("writes a target in vegeta's HTTP format with the body beside it", () => {
    const dir = mkdtempSync(join(tmpdir(), "vegeta-target-"));
    try {
      const path = targetFile(dir, "plain", {
        url: "http://127.0.0.1:1/v1/chat/completions",
        headers: { authorization: "Bearer k", "content-type": "application/json" },
        body: '{"model":"m"}',
      });
      expect(readFileSync(path, "utf8")).toBe(
        `POST http://127.0.0.1:1/v1/chat/completions\nauthorization: Bearer k\ncontent-type: application/json\n@${join(dir, "plain.body.json")}\n`,
      );
      expect(readFileSync(join(dir, "plain.body.json"), "utf8")).toBe('{"model":"m"}');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads resident memory from /proc/<pid>/status", () => {
    expect(rssMiBOf("Name:\tnode\nVmHWM:\t  300000 kB\nVmRSS:\t  102400 kB\n")).toBe(100);
    expect(() => rssMiBOf("Name:\tnode\n")).toThrow(/VmRSS/);
    expect(rssMiBOf(readFileSync("/proc/self/status", "utf8"))).toBeGreaterThan(1);
  });
});
