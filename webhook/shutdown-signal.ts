const SIGNALS = ["SIGTERM", "SIGINT"] as const;

/**
 * Resolves with the reason to stop: the first SIGTERM/SIGINT, or `signal` aborting. Listeners are removed
 * afterwards so a second Ctrl-C gets Node's default behaviour and kills a stuck shutdown.
 */
export function waitForShutdown(signal?: AbortSignal): Promise<string> {
  return new Promise((resolve) => {
    const stop = (reason: string) => {
      for (const name of SIGNALS) process.off(name, handlers[name]);
      signal?.removeEventListener("abort", onAbort);
      resolve(reason);
    };
    const handlers = { SIGTERM: () => stop("SIGTERM"), SIGINT: () => stop("SIGINT") };
    const onAbort = () => stop("aborted");
    if (signal?.aborted) {
      resolve("aborted");
      return;
    }
    for (const name of SIGNALS) process.once(name, handlers[name]);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
