/**
 * Remembers signatures it has accepted. A SigV4 signature is valid for five minutes either side
 * of its date, so a ten-minute memory refuses every replay of a signature still in date.
 */
export class ReplayGuard {
  /** Insertion order is arrival order, so the oldest entries are always first. */
  private readonly seen = new Map<string, number>();

  constructor(private readonly windowMs = 10 * 60_000) {}

  /** True the first time a signature is presented within the window, false on any replay. */
  firstUse(signature: string, nowMs: number): boolean {
    this.forgetBefore(nowMs - this.windowMs);
    if (this.seen.has(signature)) return false;
    this.seen.set(signature, nowMs);
    return true;
  }

  private forgetBefore(cutoffMs: number): void {
    for (const [signature, seenAt] of this.seen) {
      if (seenAt > cutoffMs) return;
      this.seen.delete(signature);
    }
  }
}
