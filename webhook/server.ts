import type { RequestListener } from "node:http";
import { createServer, type Server } from "node:https";
import type { SecureContextOptions } from "node:tls";
import type { Logger } from "../common/log.js";
import { gracefulCloser } from "./graceful-close.js";
import { readTlsSnapshot, type TlsFiles, type TlsMaterial, watchTlsFiles } from "./tls-files.js";
import type { TlsSource } from "./tls-source.js";

export const DEFAULT_TLS_RELOAD_INTERVAL_MS = 5_000;
/** Below the default 30 s termination grace period, so a stuck client cannot get the Pod SIGKILLed. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 20_000;

export interface WebhookServerOptions {
  host: string;
  port: number;
  /** Files polled for replacement, or any other source (a watched Secret). */
  tls: TlsFiles | TlsSource;
  app: RequestListener;
  logger: Logger;
  tlsReloadIntervalMs?: number;
  shutdownTimeoutMs?: number;
}

export interface RunningWebhookServer {
  /** The bound port, which differs from the requested one when that was 0. */
  port: number;
  /** Stops accepting, lets in-flight requests finish, then resolves. Safe to call twice. */
  close(): Promise<void>;
}

function secureOptions(material: TlsMaterial): SecureContextOptions {
  return { ...material, minVersion: "TLSv1.2" };
}

/** Serves `app` over HTTPS with a certificate that is swapped in place whenever its source has a new one. */
export async function startWebhookServer(options: WebhookServerOptions): Promise<RunningWebhookServer> {
  const source = "certFile" in options.tls ? await fileSource(options.tls, options) : options.tls;
  const server = createServer(
    // The API server gives up on a webhook after at most 30 s; holding a request longer only wastes a socket.
    { ...secureOptions(source.initial), requestTimeout: 30_000, headersTimeout: 10_000 },
    options.app,
  );
  // Outlast the API server's 90 s idle timeout so it, not we, closes idle connections: a close racing its
  // next POST fails that admission, and POSTs are not retried.
  server.keepAliveTimeout = 120_000;
  // New handshakes get the new certificate; established connections keep theirs and are not dropped.
  const watcher = source.subscribe((material) => server.setSecureContext(secureOptions(material)));
  const closer = gracefulCloser(server);
  try {
    await listen(server, options.port, options.host);
  } catch (error) {
    watcher.close();
    throw error;
  }
  return {
    port: boundPort(server),
    close: () => {
      watcher.close();
      return closer.close(options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS);
    },
  };
}

async function fileSource(files: TlsFiles, options: WebhookServerOptions): Promise<TlsSource> {
  const initial = await readTlsSnapshot(files);
  return {
    initial: initial.material,
    subscribe: (onReload) =>
      watchTlsFiles(files, initial.stamp, {
        intervalMs: options.tlsReloadIntervalMs ?? DEFAULT_TLS_RELOAD_INTERVAL_MS,
        logger: options.logger,
        onReload,
      }),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

function boundPort(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === "string") {
    throw new Error("HTTPS server is not bound to a TCP port");
  }
  return address.port;
}
