/** The server fed by a TlsSource (as the watched Secret feeds it): swaps without dropping connections. */
import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { Agent, request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebhookApp } from "./app.js";
import { type RunningWebhookServer, startWebhookServer } from "./server.js";
import { captureLogger } from "./testing/capture-logger.js";
import { httpsRequest } from "./testing/https-request.js";
import { generateSelfSignedCert } from "./testing/self-signed-cert.js";
import type { TlsMaterial } from "./tls-files.js";

let dir = "";
let server: RunningWebhookServer;
let first: TlsMaterial;
let second: TlsMaterial;
let push: (m: TlsMaterial) => void = () => {};
let closed = false;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "kuberelay-tls-source-"));
  const read = async (prefix: string) => {
    const files = await generateSelfSignedCert(dir, prefix);
    return { cert: await readFile(files.certFile), key: await readFile(files.keyFile) };
  };
  [first, second] = await Promise.all([read("first"), read("second")]);
  const { logger } = captureLogger();
  server = await startWebhookServer({
    host: "127.0.0.1",
    port: 0,
    tls: {
      initial: first,
      subscribe: (onReload) => {
        push = onReload;
        return {
          close: () => {
            closed = true;
          },
        };
      },
    },
    app: createWebhookApp({ logger, admit: async () => Promise.reject(new Error("unused")) }),
    logger,
  });
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

/** GET /healthz over `agent`; returns the fingerprint of the connection's certificate and whether it was reused. */
function get(agent: Agent, ca: Buffer[]): Promise<{ fingerprint: string; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(`https://127.0.0.1:${server.port}/healthz`, { agent, ca }, (res) => {
      // Read before the body ends: a keep-alive socket then goes back to the agent's pool.
      const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      res.resume();
      res.on("end", () => resolve({ fingerprint, reused: req.reusedSocket }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("webhook server with a TlsSource", () => {
  it("keeps an established connection on the old certificate and gives new ones the new certificate", async () => {
    const fp = (m: TlsMaterial) => new X509Certificate(m.cert).fingerprint256;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const ca = [first.cert, second.cert];
    expect(await get(agent, ca)).toEqual({ fingerprint: fp(first), reused: false });
    push(second);
    // Same socket, still answering: setSecureContext does not touch established connections.
    expect(await get(agent, ca)).toEqual({ fingerprint: fp(first), reused: true });
    const fresh = await httpsRequest(`https://127.0.0.1:${server.port}/healthz`, { ca: second.cert });
    expect(fresh).toMatchObject({ status: 200, fingerprint: fp(second) });
    agent.destroy();
  });

  it("stops the source when the server closes", async () => {
    await server.close();
    expect(closed).toBe(true);
  });
});
