import type http2 from "node:http2";

/** One HTTP/2 request on an open session: its status and whole body. */
export function h2Get(
  client: http2.ClientHttp2Session,
  headers: http2.OutgoingHttpHeaders = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = client.request({ ":path": "/", ...headers });
    let status = 0;
    let body = "";
    req.on("response", (h) => {
      status = Number(h[":status"]);
    });
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      body += c;
    });
    req.on("end", () => resolve({ status, body }));
    req.on("error", reject);
  });
}
