import type { TlsMaterial } from "./tls-files.js";

/**
 * Where the serving certificate comes from: files (a mounted Secret) or a Secret watched through
 * the API. The server serves `initial` and swaps in each replacement for new handshakes.
 */
export interface TlsSource {
  initial: TlsMaterial;
  /** Starts delivering replacements, each already checked to be a usable pair. */
  subscribe(onReload: (material: TlsMaterial) => void): { close(): void };
}
