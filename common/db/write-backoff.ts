/**
 * When a batched writer may try its database again: 1 s after the first failure, doubling up to
 * a cap, and at once after a success. Shared by the usage ledger and the audit store, which
 * both keep serving while their database is away.
 */
export class WriteBackoff {
  private failures = 0;
  private retryAt = 0;

  constructor(
    private readonly clock: () => number,
    private readonly maxMs = 30_000,
  ) {}

  /** Whether a write would be too soon after the last failure. */
  get waiting(): boolean {
    return this.clock() < this.retryAt;
  }

  failed(): void {
    this.failures++;
    this.retryAt = this.clock() + Math.min(this.maxMs, 500 * 2 ** this.failures);
  }

  succeeded(): void {
    this.failures = 0;
  }

  /** A flush asked for now (shutdown, a test) does not wait out the back-off. */
  skip(): void {
    this.retryAt = 0;
  }
}
