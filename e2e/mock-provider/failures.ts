/** A failure a test asked for; the provider that takes it fills in its own error shape when body is absent. */
export interface InjectedFailure {
  status: number;
  body?: unknown;
}

/** FIFO so a test can queue several failures, e.g. to outlast a client's retries. */
export class FailureQueue {
  private readonly pending: InjectedFailure[] = [];

  push(failure: InjectedFailure): void {
    this.pending.push(failure);
  }

  take(): InjectedFailure | undefined {
    return this.pending.shift();
  }
}
