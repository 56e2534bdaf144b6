import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { GoogleAuth, gaxios, JWT } from "google-auth-library";
import { z } from "zod";
import { GatewayError } from "../errors.js";
import { guardedLookup, refusalFor, type UpstreamPolicy } from "../pipeline/upstream-request.js";
import type { RuntimeProvider } from "../snapshot.js";
import { credentialCacheKey, credentialJson } from "./credential-json.js";

const CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";
/**
 * Where google-auth-library sends the JWT-bearer grant, whatever the key says: v10 and later
 * post to the second, older releases to the first.
 */
export const LIBRARY_TOKEN_URLS = new Set([
  "https://www.googleapis.com/oauth2/v4/token",
  "https://oauth2.googleapis.com/token",
]);

/** A Vertex ProviderKey's Secret value: a Google service-account JSON key. */
const serviceAccountKeySchema = z.looseObject({
  type: z.literal("service_account"),
  project_id: z.string().min(1),
  client_email: z.string().min(1),
  private_key: z.string().min(1),
  private_key_id: z.string().optional(),
  token_uri: z.string().url().optional(),
  universe_domain: z.string().optional(),
});

type RequestOptions = gaxios.GaxiosOptions;

/**
 * Sends the key's token requests where the key says (its token_uri, for private or sovereign
 * endpoints, which the library alone would ignore), held to the ProviderKey's network policy
 * like its upstream calls: a token_uri is as much an upstream as the baseURL.
 */
export class TokenUriTransporter extends gaxios.Gaxios {
  private agents: { http: http.Agent; https: https.Agent } | undefined;

  constructor(
    private readonly tokenUri: string | undefined,
    private readonly policy: UpstreamPolicy = { allowPrivateNetwork: true, allowInsecureHttp: true },
  ) {
    super();
  }

  override request<T>(opts: RequestOptions = {}): gaxios.GaxiosPromise<T> {
    const given = opts.url === undefined ? undefined : String(opts.url);
    const url = given !== undefined && this.tokenUri && LIBRARY_TOKEN_URLS.has(given) ? this.tokenUri : given;
    const open = this.policy.allowPrivateNetwork && this.policy.allowInsecureHttp === true;
    if (open || url === undefined) return super.request<T>({ ...opts, url });
    const target = new URL(url);
    const host = target.hostname.replace(/^\[|\]$/g, "");
    // A literal address skips the lookup, so it is judged here.
    const refused = isIP(host) !== 0 ? refusalFor(this.policy, target.protocol)(host) : undefined;
    if (refused) return Promise.reject(refused);
    return super.request<T>({ ...opts, url, agent: this.agentFor(target.protocol) });
  }

  /** One keep-alive pool per scheme, each checking every address a name resolves to. */
  private agentFor(protocol: string): http.Agent {
    const lookup = (p: string) => guardedLookup(undefined, refusalFor(this.policy, p));
    this.agents ??= {
      http: new http.Agent({ keepAlive: true, lookup: lookup("http:") }),
      https: new https.Agent({ keepAlive: true, lookup: lookup("https:") }),
    };
    return protocol === "http:" ? this.agents.http : this.agents.https;
  }
}

interface VertexAuth {
  /** An access token, cached by google-auth-library until shortly before it expires. */
  token: () => Promise<string | null | undefined>;
  project: Promise<string>;
}

const clients = new Map<string, VertexAuth>();
const MAX_CLIENTS = 256;

function createAuth(provider: RuntimeProvider): VertexAuth {
  if (provider.credential === undefined) {
    // Workload identity (GKE) or any other Application Default Credentials.
    const auth = new GoogleAuth({ scopes: [CLOUD_PLATFORM] });
    return { token: () => auth.getAccessToken(), project: auth.getProjectId() };
  }
  const key = credentialJson(
    provider,
    provider.credential,
    serviceAccountKeySchema,
    "a service-account JSON key",
  );
  const custom = key.token_uri && !LIBRARY_TOKEN_URLS.has(key.token_uri) ? key.token_uri : undefined;
  const transporter = new TokenUriTransporter(custom, {
    allowPrivateNetwork: provider.allowPrivateNetwork === true,
    allowInsecureHttp: provider.allowInsecureHttp === true,
  });
  // A JWT client from the key's fields, as the library asks for keys from outside (its
  // GoogleAuth `credentials` option is deprecated and warns on stderr for each client).
  const jwt = new JWT({
    email: key.client_email,
    key: key.private_key,
    keyId: key.private_key_id,
    scopes: [CLOUD_PLATFORM],
    transporter,
    ...(key.universe_domain ? { universeDomain: key.universe_domain } : {}),
    ...(custom ? { additionalClaims: { aud: custom } } : {}),
  });
  return { token: async () => (await jwt.getAccessToken()).token, project: Promise.resolve(key.project_id) };
}

/**
 * An OAuth access token for Vertex, minted from the service-account key (or ambient
 * identity) and cached by google-auth-library until shortly before it expires.
 */
export async function vertexAccess(provider: RuntimeProvider): Promise<{ token: string; project: string }> {
  const cacheKey = credentialCacheKey(
    provider,
    provider.allowPrivateNetwork ? "private-ok" : "public-only",
    provider.allowInsecureHttp ? "http-ok" : "https-only",
  );
  let client = clients.get(cacheKey);
  if (!client) {
    if (clients.size >= MAX_CLIENTS) clients.clear();
    client = createAuth(provider);
    clients.set(cacheKey, client);
  }
  try {
    const token = await client.token();
    if (!token) throw new Error("no access token");
    return { token, project: await client.project };
  } catch (cause) {
    throw new GatewayError(
      "upstream",
      `could not get a Google access token for ProviderKey ${provider.id}`,
      {},
      { cause },
    );
  }
}
