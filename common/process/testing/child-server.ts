import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface ChildServer {
  port: number;
  child: ChildProcess;
  stderr: () => string;
  stop: () => void;
}

/**
 * The dual-protocol server in its own process, so that an uncaught exception shows as what it
 * is in production: a dead process. Its handler answers in two chunks 30 ms apart, so a client
 * can reset a stream mid-response.
 */
export async function startChildServer(): Promise<ChildServer> {
  const module = fileURLToPath(new URL("../dual-protocol-server.ts", import.meta.url));
  const script = `
    const { listenDualProtocol } = await import(${JSON.stringify(module)});
    const server = await listenDualProtocol((req, res) => {
      req.resume();
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("first ");
      setTimeout(() => res.end("last"), 30);
    }, 0, "127.0.0.1");
    console.log(JSON.stringify({ port: server.port }));
  `;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: fileURLToPath(new URL("../../..", import.meta.url)),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr?.on("data", (d) => {
    err += d;
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d) => {
      out += d;
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve(Number(JSON.parse(line).port));
    });
    child.once("exit", (code) => reject(new Error(`child exited ${code}: ${err}`)));
  });
  return { port, child, stderr: () => err, stop: () => child.kill() };
}
