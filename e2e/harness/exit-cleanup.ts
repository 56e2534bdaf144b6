/**
 * Last-resort cleanup when the test process exits or is interrupted before stop() ran: without it a
 * Ctrl-C or a crashed worker leaves etcd and kube-apiserver running and holding their ports.
 */
type Cleanup = () => void;

const cleanups = new Set<Cleanup>();
const signals: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM"];

function runAll(): void {
  // Newest first, like `defer`: processes registered after their temp dir are killed before it is removed.
  for (const cleanup of [...cleanups].reverse()) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // Exiting anyway; one failed cleanup must not prevent the others.
    }
  }
  uninstall();
}

function onSignal(signal: NodeJS.Signals): void {
  const onlyListener = process.listenerCount(signal) === 1;
  runAll();
  // Listening to a signal disables Node's default "terminate"; restore it unless someone else (e.g. the
  // test runner) also listens and will decide how to exit.
  if (onlyListener) process.kill(process.pid, signal);
}

let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", runAll);
  for (const signal of signals) process.on(signal, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off("exit", runAll);
  for (const signal of signals) process.off(signal, onSignal);
}

/** Registers a synchronous cleanup; returns the function that unregisters it once the normal path ran. */
export function registerExitCleanup(cleanup: Cleanup): () => void {
  cleanups.add(cleanup);
  install();
  return () => {
    cleanups.delete(cleanup);
    if (cleanups.size === 0) uninstall();
  };
}
