import { lookup as dnsLookup } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { Agent, buildConnector } from "undici";
import { isPrivateAddress } from "../../common/net/private-address.js";
import { RawHeaders, type UpstreamResponse } from "./upstream-response.js";

/** A connection refused because its address is private and the ProviderKey does not allow that. */
export class PrivateNetworkError extends Error {
  override readonly name = "PrivateNetworkError";
  readonly code = "EPRIVATENETWORK";

  constructor() {
    super("upstream address is in a private network; set allowPrivateNetwork on the ProviderKey");
  }
}

/**
 * A plain-http connection refused because its address is public: the credential would cross
 * the internet in cleartext, which only allowInsecureHttp accepts.
 */
export class InsecureHttpError extends Error {
  override readonly name = "InsecureHttpError";
  readonly code = "EINSECUREHTTP";

  constructor() {
    super(
      "upstream is plain http to a public address; use https or set allowInsecureHttp on the ProviderKey",
    );
  }
}

/** What a ProviderKey lets its upstream connections reach. */
export interface UpstreamPolicy {
  /** Loopback, private and link-local addresses, over http or https. */
  allowPrivateNetwork: boolean;
  /** Plain http to a public address. */
  allowInsecureHttp?: boolean;
}

export type Refusal = (address: string) => Error | undefined;

/** Why `policy` refuses a connection to `address` over `protocol` ("http:" or "https:"), if it does. */
export function refusalFor(policy: UpstreamPolicy, protocol: string): Refusal {
  return (address) => {
    if (isPrivateAddress(address)) return policy.allowPrivateNetwork ? undefined : new PrivateNetworkError();
    if (protocol === "http:" && policy.allowInsecureHttp !== true) return new InsecureHttpError();
    return undefined;
  };
}

const refusePrivate = refusalFor({ allowPrivateNetwork: false, allowInsecureHttp: true }, "https:");

/**
 * Resolves as `lookup` does, but fails when `refuse` objects to any address a name resolves
 * to: the operator judged the baseURL by its text, and a public name can point anywhere.
 */
export function guardedLookup(
  lookup: LookupFunction = dnsLookup as LookupFunction,
  refuse: Refusal = refusePrivate,
): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, options, (err, address, family) => {
      if (err) {
        callback(err, address, family);
        return;
      }
      const all = Array.isArray(address) ? address.map((a) => a.address) : [address];
      const refused = all.map(refuse).find((e) => e !== undefined);
      if (refused) callback(refused, address, family);
      else callback(null, address, family);
    });
  };
}

/**
 * Connects as undici does, checking every address against the policy for the connection's
 * protocol; literals are checked here, since net.connect skips the lookup for those.
 */
function guardedConnector(
  policy: UpstreamPolicy,
  lookup: LookupFunction | undefined,
): buildConnector.connector {
  const guardFor = (protocol: string) => {
    const refuse = refusalFor(policy, protocol);
    return { refuse, connect: buildConnector({ lookup: guardedLookup(lookup, refuse) }) };
  };
  const http = guardFor("http:");
  const https = guardFor("https:");
  return (options, callback) => {
    const guard = options.protocol === "http:" ? http : https;
    const refused = isIP(options.hostname) !== 0 ? guard.refuse(options.hostname) : undefined;
    if (refused) {
      callback(refused, null);
      return;
    }
    guard.connect(options, callback);
  };
}

/**
 * A keep-alive connection pool for upstream calls. Guarded pools check every address they
 * connect to; a pooled connection is only reused within its pool, so one opened for a
 * ProviderKey with allowPrivateNetwork or allowInsecureHttp never serves one without.
 */
export function createUpstreamAgent(opts: UpstreamPolicy & { lookup?: LookupFunction }): Agent {
  if (opts.allowPrivateNetwork && opts.allowInsecureHttp === true) {
    return new Agent(opts.lookup ? { connect: { lookup: opts.lookup } } : {});
  }
  return new Agent({ connect: guardedConnector(opts, opts.lookup) });
}

// One pool per policy, created on first use and shared by every request after it.
const agents = new Map<string, Agent>();

function agentFor(policy: UpstreamPolicy): Agent {
  const key = `${policy.allowPrivateNetwork}/${policy.allowInsecureHttp === true}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = createUpstreamAgent(policy);
    agents.set(key, agent);
  }
  return agent;
}

export interface UpstreamInit {
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  signal: AbortSignal;
}

/**
 * One upstream HTTP call with undici's request API: Node streams and plain header objects, none
 * of fetch's web streams, Headers and Response objects per call. Redirects are never followed:
 * a 3xx comes back as it is, so a credential never travels to a Location the upstream chose.
 */
export async function requestUpstream(
  url: string,
  init: UpstreamInit,
  policy: UpstreamPolicy & { agent?: Agent },
): Promise<UpstreamResponse> {
  const dispatcher = policy.agent ?? agentFor(policy);
  const target = new URL(url);
  const answer = await dispatcher.request({
    origin: target.origin,
    path: `${target.pathname}${target.search}`,
    method: init.method as "POST",
    headers: init.headers,
    body: init.body ?? null,
    signal: init.signal,
  });
  return { status: answer.statusCode, headers: new RawHeaders(answer.headers), body: answer.body };
}

/** The PrivateNetworkError or InsecureHttpError behind a failed fetch, if that is why it failed. */
export function refusedConnectionCause(err: unknown): PrivateNetworkError | InsecureHttpError | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof PrivateNetworkError || e instanceof InsecureHttpError) return e;
  }
  return undefined;
}

/** The PrivateNetworkError behind a failed fetch, if that is why it failed. */
export function privateNetworkCause(err: unknown): PrivateNetworkError | undefined {
  const cause = refusedConnectionCause(err);
  return cause instanceof PrivateNetworkError ? cause : undefined;
}
