import type { GatewayMetrics } from "../metrics.js";
import { type ConfigProblem, formatProblem, problemKind } from "./config-problem.js";

/** Readiness shows at most this many lines; the metric and the log have the full count. */
const MAX_SHOWN = 50;

/**
 * The standalone gateway's latest problem list, where an operator looks without reading logs:
 * the `kuberelay_gateway_config_problems` gauge and the `/readyz` body. Labels are the
 * object kind and the reason, both from fixed sets, never an object's name.
 */
export class ConfigProblemBoard {
  private shown: readonly string[] = [];
  private count = 0;

  constructor(private readonly metrics: Pick<GatewayMetrics, "configProblems">) {}

  set(problems: readonly ConfigProblem[]): void {
    this.metrics.configProblems.reset();
    for (const p of problems) this.metrics.configProblems.inc({ kind: problemKind(p), reason: p.reason });
    this.count = problems.length;
    this.shown = problems.slice(0, MAX_SHOWN).map(formatProblem);
  }

  /** Lines for `/readyz`, after its first line; none when all is well. */
  detail(): readonly string[] {
    if (this.count === 0) return [];
    const more = this.count > this.shown.length ? [`(and ${this.count - this.shown.length} more)`] : [];
    return [`config problems: ${this.count}`, ...this.shown, ...more];
  }
}
