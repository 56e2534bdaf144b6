import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runWebhook, UsageError } from "./command.js";
import { captureLogger } from "./testing/capture-logger.js";
import { fakeLookup, fakeNamespaces, podCreateReview } from "./testing/fixtures.js";
import { httpsRequest } from "./testing/https-request.js";
import { type GeneratedCert, generateSelfSignedCert } from "./testing/self-signed-cert.js";
import { waitFor } from "./testing/wait-for.js";
import { isRecord } from "./type-guards.js";

let dir = "";
let cert: GeneratedCert;
let ca: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "kuberelay-webhook-cmd-"));
  cert = await generateSelfSignedCert(dir);
  ca = await readFile(cert.certFile);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function flags(port = "0"): string[] {
  return [
    "--port",
    port,
    "--metrics-port",
    "0",
    "--host",
    "127.0.0.1",
    "--tls-cert-file",
    cert.certFile,
    "--tls-key-file",
    cert.keyFile,
  ];
}

function listeningPort(lines: Record<string, unknown>[]): number | undefined {
  const port = lines.find((line) => line.msg === "listening")?.port;
  return typeof port === "number" ? port : undefined;
}

describe("runWebhook in process", () => {
  it("logs the real port for --port 0, serves, and returns on shutdown", async () => {
    const { logger, lines } = captureLogger();
    const controller = new AbortController();
    const running = runWebhook([...flags(), "--gateway-url", "http://gw.test:8787"], {
      logger,
      lookup: fakeLookup({}),
      namespaces: fakeNamespaces({}),
      signal: controller.signal,
    });
    await waitFor(() => listeningPort(lines) !== undefined);
    const port = listeningPort(lines);
    expect(port).toBeGreaterThan(0);
    expect((await httpsRequest(`https://127.0.0.1:${port}/healthz`, { ca })).status).toBe(200);

    controller.abort();
    await running;
    expect(lines.map((line) => line.msg)).toEqual(["listening", "shutting down", "stopped"]);
    await expect(httpsRequest(`https://127.0.0.1:${port}/healthz`, { ca })).rejects.toThrow(/ECONNREFUSED/);
  });

  it("prints help", async () => {
    const printed: string[] = [];
    await runWebhook(["--help"], { print: (text) => printed.push(text) });
    expect(printed.join("")).toMatch(/--tls-cert-file/);
  });

  it("refuses to start without a gateway URL", async () => {
    await expect(runWebhook(flags(), { env: {} })).rejects.toBeInstanceOf(UsageError);
  });

  it("fails clearly when the TLS files are missing", async () => {
    const args = ["--tls-cert-file", join(dir, "missing.crt"), "--tls-key-file", join(dir, "missing.key")];
    await expect(
      runWebhook([...args, "--gateway-url", "http://gw"], { lookup: fakeLookup({}) }),
    ).rejects.toThrow(/missing\.crt/);
  });
});

/**
 * A stand-in API server: empty lists for the webhook's RelayKey and Namespace caches, watches that stay
 * open and quiet, and the one RelayKey GET the empty cache makes the webhook fall back to.
 */
async function fakeApiServer(): Promise<{ server: Server; url: string; paths: string[] }> {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? "");
    const url = new URL(req.url ?? "/", "http://api");
    if (url.pathname === "/apis/kuberelay.dev/v1alpha1/relaykeys" || url.pathname === "/api/v1/namespaces") {
      res.setHeader("content-type", "application/json");
      if (url.searchParams.get("watch") === "true") {
        res.flushHeaders();
        return;
      }
      res.end(
        JSON.stringify({ apiVersion: "v1", kind: "List", metadata: { resourceVersion: "1" }, items: [] }),
      );
      return;
    }
    if (req.url === "/apis/kuberelay.dev/v1alpha1/namespaces/team-a/relaykeys/chat") {
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({
          apiVersion: "kuberelay.dev/v1alpha1",
          kind: "RelayKey",
          metadata: { name: "chat", namespace: "team-a" },
          spec: { policyRef: { name: "default" }, secretName: "chat-relay-key" },
          status: { conditions: [{ type: "Ready", status: "True" }] },
        }),
      );
      return;
    }
    res.statusCode = 404;
    res.setHeader("content-type", "application/json");
    res.end(
      JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("fake API server not on TCP");
  return { server, url: `http://127.0.0.1:${address.port}`, paths };
}

function collectJsonLines(child: ChildProcess): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  let buffered = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    const complete = buffered.split("\n");
    buffered = complete.pop() ?? "";
    for (const line of complete) {
      const parsed: unknown = JSON.parse(line);
      if (isRecord(parsed)) lines.push(parsed);
    }
  });
  return lines;
}

describe("kuberelay webhook as a process", () => {
  it("uses KUBECONFIG for the RelayKey, and exits 0 on SIGTERM", { timeout: 60_000 }, async () => {
    const api = await fakeApiServer();
    const kubeconfig = join(dir, "kubeconfig.yaml");
    await writeFile(
      kubeconfig,
      [
        "apiVersion: v1",
        "kind: Config",
        // client-node refuses plain http unless TLS verification is explicitly off.
        `clusters: [{name: test, cluster: {server: "${api.url}", insecure-skip-tls-verify: true}}]`,
        "users: [{name: test, user: {token: not-a-real-token}}]",
        "contexts: [{name: test, context: {cluster: test, user: test}}]",
        "current-context: test",
      ].join("\n"),
    );
    const command = fileURLToPath(new URL("./command.ts", import.meta.url));
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        `const { runWebhook } = await import(${JSON.stringify(command)}); await runWebhook(process.argv.slice(1));`,
        "--",
        ...flags(),
      ],
      {
        cwd: fileURLToPath(new URL("..", import.meta.url)),
        env: { ...process.env, KUBECONFIG: kubeconfig, KUBERELAY_GATEWAY_URL: "http://gw.test:8787" },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const exited = once(child, "exit");
    try {
      const lines = collectJsonLines(child);
      await waitFor(() => {
        if (child.exitCode !== null) throw new Error(`webhook exited early with ${child.exitCode}`);
        return listeningPort(lines) !== undefined;
      }, 45_000);
      const review = podCreateReview({ "kuberelay.dev/inject": "true", "kuberelay.dev/relay-key": "chat" });
      const res = await httpsRequest(`https://127.0.0.1:${listeningPort(lines)}/mutate`, {
        ca,
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(review),
      });
      const answer: unknown = JSON.parse(res.body);
      const patch = isRecord(answer) && isRecord(answer.response) ? answer.response.patch : undefined;
      // The log line travels a pipe of its own: it may land after the answer.
      await waitFor(() => lines.some((line) => line.msg === "admission"));
      expect(lines.find((line) => line.msg === "admission")?.warnings).toEqual([]);
      expect(Buffer.from(String(patch), "base64").toString("utf8")).toContain('"name":"chat-relay-key"');
      expect(api.paths.filter((path) => path.includes("/namespaces/team-a/"))).toEqual([
        "/apis/kuberelay.dev/v1alpha1/namespaces/team-a/relaykeys/chat",
      ]);
      expect(api.paths).toContain("/apis/kuberelay.dev/v1alpha1/relaykeys");

      child.kill("SIGTERM");
      const [code] = await exited;
      expect(code).toBe(0);
      expect(lines.map((line) => line.msg)).toEqual(["listening", "admission", "shutting down", "stopped"]);
    } finally {
      child.kill("SIGKILL");
      api.server.closeAllConnections();
      api.server.close();
    }
  });
});
