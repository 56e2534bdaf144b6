/**
 * Where log lines go. A gateway writes a line per request; on Linux a write to stdout (a pipe
 * or a file) is a synchronous system call, so lines written within one turn of the event loop
 * are joined and written once, at the end of that turn. Order is kept, and nothing waits
 * longer than the turn: a line is never delayed behind idle time.
 */
export type LogSink = (line: string) => void;

export interface BatchedSink {
  sink: LogSink;
  /** Writes what is pending now (at exit, so a crash's last lines are not lost). */
  flush(): void;
}

export function batchedSink(
  write: (text: string) => void,
  schedule: (run: () => void) => void = setImmediate,
): BatchedSink {
  let pending: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.join("");
    pending = [];
    write(text);
  };
  return {
    sink: (line) => {
      pending.push(`${line}\n`);
      if (!scheduled) {
        scheduled = true;
        schedule(flush);
      }
    },
    flush,
  };
}

let stdout: BatchedSink | undefined;

/** The process's one stdout sink, shared by every logger so lines keep their order. */
export function stdoutSink(): LogSink {
  if (!stdout) {
    const batched = batchedSink((text) => process.stdout.write(text));
    // 'exit' also follows process.exit() and an uncaught exception: the last lines get out.
    process.once("exit", batched.flush);
    stdout = batched;
  }
  return stdout.sink;
}
