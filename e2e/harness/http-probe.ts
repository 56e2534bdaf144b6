/** One GET against a health endpoint; connection failures are an answer ("not yet"), not an error. */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { noteResponse } from "./captured-responses.js";

export interface TlsIdentity {
  ca?: string;
  cert?: string;
  key?: string;
}

export interface ProbeResult {
  status: number;
  body: string;
}

export function probe(
  url: string,
  tls: TlsIdentity = {},
  timeoutMs = 2_000,
): Promise<ProbeResult | undefined> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    // agent: false so no keep-alive socket outlives the probe and holds the test process open.
    const req = send(target, { method: "GET", agent: false, timeout: timeoutMs, ...tls }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => {
        const status = res.statusCode ?? 0;
        const headers = Object.entries(res.headers)
          .map(([k, v]) => `${k}: ${String(v)}`)
          .join("\n");
        noteResponse(url, status, headers, body);
        resolve({ status, body });
      });
      res.on("error", () => resolve(undefined));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(undefined));
    req.end();
  });
}
