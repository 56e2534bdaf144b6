import { createServer } from "node:http";
import type { AddressInfo, LookupFunction } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createUpstreamAgent,
  guardedLookup,
  InsecureHttpError,
  PrivateNetworkError,
  privateNetworkCause,
  refusedConnectionCause,
  requestUpstream,
} from "./upstream-request.js";
import { discardBody, readText } from "./upstream-response.js";

/** Resolves every name to one address, as a hostile or rebinding DNS answer would. */
const resolvesTo =
  (address: string): LookupFunction =>
  (_host, options, callback) => {
    const family = address.includes(":") ? 6 : 4;
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };

const lookupOnce = (lookup: LookupFunction, all: boolean) =>
  new Promise<{ err: Error | null; address: unknown }>((resolve) =>
    lookup("upstream.example", { all }, (err, address) => resolve({ err, address })),
  );

let server: ReturnType<typeof createServer>;
let port = 0;
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(String(req.headers.host));
    res.end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const init = () => ({ method: "POST", headers: {}, body: "{}", signal: AbortSignal.timeout(2000) });

describe("guardedLookup", () => {
  it.each([
    ["127.0.0.1", true],
    ["::1", true],
    ["169.254.169.254", true],
    ["::ffff:10.0.0.1", true],
    ["64:ff9b::7f00:1", true],
    ["93.184.216.34", false],
  ])("security: a name resolving to %s fails the lookup: %s", async (address, refused) => {
    for (const all of [false, true]) {
      const { err } = await lookupOnce(guardedLookup(resolvesTo(address)), all);
      expect(err instanceof PrivateNetworkError).toBe(refused);
    }
  });

  it("security: one private address among several public ones fails the lookup", async () => {
    const mixed: LookupFunction = (_h, _o, cb) =>
      cb(null, [
        { address: "93.184.216.34", family: 4 },
        { address: "10.1.2.3", family: 4 },
      ]);
    const { err } = await lookupOnce(guardedLookup(mixed), true);
    expect(err).toBeInstanceOf(PrivateNetworkError);
  });
});

describe("requestUpstream", () => {
  it("security: a public-looking name that resolves to 127.0.0.1 is refused at connect time without allowPrivateNetwork", async () => {
    const agent = createUpstreamAgent({ allowPrivateNetwork: false, lookup: resolvesTo("127.0.0.1") });
    const before = hits.length;
    const err = await requestUpstream(`http://api.provider.example:${port}/v1`, init(), {
      allowPrivateNetwork: false,
      agent,
    }).catch((e) => e);
    expect(privateNetworkCause(err)?.message).toBe(
      "upstream address is in a private network; set allowPrivateNetwork on the ProviderKey",
    );
    expect(hits.length).toBe(before);
    await agent.close();
  });

  it("connects to the same name when the ProviderKey sets allowPrivateNetwork", async () => {
    const agent = createUpstreamAgent({ allowPrivateNetwork: true, lookup: resolvesTo("127.0.0.1") });
    const res = await requestUpstream(`http://api.provider.example:${port}/v1`, init(), {
      allowPrivateNetwork: true,
      agent,
    });
    expect(JSON.parse(await readText(res.body))).toEqual({ ok: true });
    expect(hits.at(-1)).toBe(`api.provider.example:${port}`);
    await agent.close();
  });

  it("security: private literals are refused without a lookup (net.connect skips it for addresses)", async () => {
    for (const host of ["127.0.0.1", "[::ffff:127.0.0.1]", "[::1]"]) {
      const err = await requestUpstream(`http://${host}:${port}/v1`, init(), {
        allowPrivateNetwork: false,
      }).catch((e) => e);
      expect(privateNetworkCause(err), host).toBeInstanceOf(PrivateNetworkError);
    }
  });

  it("issue 10: plain http to a name that resolves to a public address is refused with allowPrivateNetwork alone", async () => {
    const agent = createUpstreamAgent({ allowPrivateNetwork: true, lookup: resolvesTo("93.184.216.34") });
    const err = await requestUpstream("http://api.provider.example/v1", init(), {
      allowPrivateNetwork: true,
      agent,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(refusedConnectionCause(err)).toBeInstanceOf(InsecureHttpError);
    expect(privateNetworkCause(err)).toBeUndefined();
    await agent.close();
  });

  it("issue 10: allowInsecureHttp does not open private addresses", async () => {
    const agent = createUpstreamAgent({
      allowPrivateNetwork: false,
      allowInsecureHttp: true,
      lookup: resolvesTo("127.0.0.1"),
    });
    const before = hits.length;
    const err = await requestUpstream(`http://api.provider.example:${port}/v1`, init(), {
      allowPrivateNetwork: false,
      allowInsecureHttp: true,
      agent,
    }).catch((e) => e);
    expect(privateNetworkCause(err)).toBeInstanceOf(PrivateNetworkError);
    expect(hits.length).toBe(before);
    await agent.close();
  });

  it("issue 10: a public literal over plain http is refused without a lookup unless allowInsecureHttp", async () => {
    const err = await requestUpstream("http://93.184.216.34/v1", init(), {
      allowPrivateNetwork: true,
    }).catch((e) => e);
    expect(refusedConnectionCause(err)).toBeInstanceOf(InsecureHttpError);
  });

  it("hands a redirect back instead of following it", async () => {
    const redirecting = createServer((_req, res) =>
      res.writeHead(302, { location: "http://127.0.0.1:1/" }).end(),
    );
    await new Promise<void>((r) => redirecting.listen(0, "127.0.0.1", r));
    const { port: p } = redirecting.address() as AddressInfo;
    const res = await requestUpstream(`http://127.0.0.1:${p}/`, init(), { allowPrivateNetwork: true });
    expect(res.status).toBe(302);
    discardBody(res.body);
    redirecting.closeAllConnections();
    await new Promise((r) => redirecting.close(r));
  });
});
