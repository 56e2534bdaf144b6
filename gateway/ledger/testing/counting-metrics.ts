import type { LedgerMetrics } from "../usage-ledger.js";

/** Ledger metrics that only remember what was dropped: the count a test asserts on. */
export function droppedCounter(): { metrics: LedgerMetrics; dropped: number[] } {
  const dropped: number[] = [];
  const metrics: LedgerMetrics = {
    rowsWritten: { inc: () => undefined },
    rowsDropped: { inc: (n) => dropped.push(n) },
    writeErrors: { inc: () => undefined },
    pending: { set: () => undefined },
  };
  return { metrics, dropped };
}
