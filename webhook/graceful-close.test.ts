import { Agent, createServer, get, type Server } from "node:http";
import { describe, expect, it } from "vitest";
import { gracefulCloser } from "./graceful-close.js";
import { waitFor } from "./testing/wait-for.js";

function fetchText(port: number, agent: Agent): Promise<{ body: string; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    get({ host: "127.0.0.1", port, agent }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on("end", () => resolve({ body, connection: res.headers.connection }));
    }).on("error", reject);
  });
}

function portOf(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("not listening on TCP");
  return address.port;
}

describe("gracefulCloser", () => {
  it("finishes a keep-alive request in flight and closes without waiting for the idle timeout", async () => {
    let release = () => {};
    let started = false;
    const server = createServer((_req, res) => {
      started = true;
      new Promise<void>((resolve) => {
        release = resolve;
      }).then(() => res.end("done"));
    });
    server.keepAliveTimeout = 60_000;
    const closer = gracefulCloser(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = portOf(server);
    const agent = new Agent({ keepAlive: true });

    const inFlight = fetchText(port, agent);
    await waitFor(() => started);
    const began = Date.now();
    const closing = closer.close(30_000);
    release();

    await expect(inFlight).resolves.toEqual({ body: "done", connection: "close" });
    await closing;
    expect(Date.now() - began).toBeLessThan(2_000);
    await closer.close(30_000);
    agent.destroy();
  });

  it("cuts connections that outlive the timeout", async () => {
    let started = false;
    const server = createServer(() => {
      started = true;
    });
    const closer = gracefulCloser(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = portOf(server);
    const agent = new Agent({ keepAlive: true });

    const stuck = fetchText(port, agent).catch((error: unknown) => error);
    await waitFor(() => started);
    await closer.close(50);
    expect(await stuck).toBeInstanceOf(Error);
    agent.destroy();
  });
});
