import { lookup as dnsLookup } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { Agent, buildConnector, fetch as undiciFetch } from "undici";
import { isPrivateAddress } from "../../common/net/private-address.js";

/** A connection refused because its address is private and the ProviderKey does not allow that. */
export class PrivateNetworkError extends Error {
  override readonly name = "PrivateNetworkError";
  readonly code = "EPRIVATENETWORK";

  constructor() {
    super("upstream address is in a private network; set allowPrivateNetwork on the ProviderKey");
  }
}

/**
 * Resolves as `lookup` does, but fails when any address a name resolves to is private: the
 * operator judged the baseURL by its text, and a public name can point anywhere.
 */
export function guardedLookup(lookup: LookupFunction = dnsLookup as LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, options, (err, address, family) => {
      if (err) {
        callback(err, address, family);
        return;
      }
      const all = Array.isArray(address) ? address.map((a) => a.address) : [address];
      if (all.some(isPrivateAddress)) callback(new PrivateNetworkError(), address, family);
      else callback(null, address, family);
    });
  };
}

/** Connects as undici does, refusing private literals (net.connect skips lookup for those). */
function guardedConnector(lookup: LookupFunction | undefined): buildConnector.connector {
  const connect = buildConnector({ lookup: guardedLookup(lookup) });
  return (options, callback) => {
    if (isIP(options.hostname) !== 0 && isPrivateAddress(options.hostname)) {
      callback(new PrivateNetworkError(), null);
      return;
    }
    connect(options, callback);
  };
}

/**
 * A keep-alive connection pool for upstream calls. Guarded pools check every address they
 * connect to; a pooled connection is only reused within its pool, so one opened for a
 * ProviderKey with allowPrivateNetwork never serves one without.
 */
export function createUpstreamAgent(opts: { allowPrivateNetwork: boolean; lookup?: LookupFunction }): Agent {
  return opts.allowPrivateNetwork
    ? new Agent(opts.lookup ? { connect: { lookup: opts.lookup } } : {})
    : new Agent({ connect: guardedConnector(opts.lookup) });
}

// Created on first use, then shared by every request: the hot path reuses connections.
let guarded: Agent | undefined;
let unguarded: Agent | undefined;

function agentFor(allowPrivateNetwork: boolean): Agent {
  if (allowPrivateNetwork) {
    unguarded ??= createUpstreamAgent({ allowPrivateNetwork: true });
    return unguarded;
  }
  guarded ??= createUpstreamAgent({ allowPrivateNetwork: false });
  return guarded;
}

export interface UpstreamInit {
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  signal: AbortSignal;
}

/**
 * One upstream HTTP call with undici's own fetch (Node's bundled fetch must not get an npm
 * undici dispatcher). Redirects are never followed: a 3xx comes back as it is, so a
 * credential never travels to a Location the upstream chose.
 */
export async function fetchUpstream(
  url: string,
  init: UpstreamInit,
  policy: { allowPrivateNetwork: boolean; agent?: Agent },
): Promise<Response> {
  const dispatcher = policy.agent ?? agentFor(policy.allowPrivateNetwork);
  const response = await undiciFetch(url, { ...init, redirect: "manual", dispatcher });
  return response;
}

/** The PrivateNetworkError behind a failed fetch, if that is why it failed. */
export function privateNetworkCause(err: unknown): PrivateNetworkError | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof PrivateNetworkError) return e;
  }
  return undefined;
}
