/**
 * The benchmark's yardstick: the least a Node reverse proxy can do. It forwards every request
 * to `--upstream` over a keep-alive agent and pipes both bodies, with no auth, no parsing and
 * no log. What kuberelay costs beyond it is the price of its features.
 */
import http from "node:http";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { upstream: { type: "string" }, port: { type: "string", default: "0" } },
});
if (!values.upstream) throw new Error("--upstream http://host:port is required");
const upstream = new URL(values.upstream);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });

const server = http.createServer((req, res) => {
  const out = http.request(
    {
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: upstream.host },
      agent,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  out.on("error", () => res.destroy());
  req.pipe(out);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(values.port), "127.0.0.1", () => {
  const address = server.address();
  if (address && typeof address === "object")
    console.log(JSON.stringify({ msg: "listening", port: address.port }));
});
