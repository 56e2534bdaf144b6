/**
 * Fixed-rate (open-loop) load: requests start on a schedule whether or not earlier ones have
 * finished, and latency is measured from the scheduled start, so a slow server cannot hide
 * its queueing (coordinated omission).
 */
export interface OpenLoopOptions {
  ratePerSecond: number;
  durationMs: number;
  /** Each tick starts one request per function; all share the schedule. */
  targets: ReadonlyArray<() => Promise<boolean>>;
}

export async function openLoop(
  opts: OpenLoopOptions,
): Promise<Array<{ latencies: number[]; errors: number }>> {
  const results = opts.targets.map(() => ({ latencies: [] as number[], errors: 0 }));
  const interval = 1000 / opts.ratePerSecond;
  const total = Math.floor((opts.durationMs / 1000) * opts.ratePerSecond);
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const scheduled = start + i * interval;
    const wait = scheduled - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    opts.targets.forEach((send, t) => {
      const result = results[t];
      if (!result) return;
      inflight.push(
        send().then(
          (ok) => {
            if (ok) result.latencies.push(performance.now() - scheduled);
            else result.errors++;
          },
          () => {
            result.errors++;
          },
        ),
      );
    });
  }
  await Promise.all(inflight);
  return results;
}
