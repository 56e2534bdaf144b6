import { request } from "node:https";
import { TLSSocket } from "node:tls";

export interface HttpsResult {
  status: number;
  body: string;
  /** SHA-256 fingerprint of the certificate the server presented on this connection. */
  fingerprint: string;
}

/**
 * One request on a fresh connection (no agent), trusting only `ca`, so each call sees the certificate the
 * server serves right now.
 */
export function httpsRequest(
  url: string,
  options: { ca: Buffer | string; method?: string; body?: string; headers?: Record<string, string> },
): Promise<HttpsResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? "GET", ca: options.ca, agent: false, headers: options.headers },
      (res) => {
        const fingerprint =
          res.socket instanceof TLSSocket ? res.socket.getPeerCertificate().fingerprint256 : "";
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), fingerprint }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}
