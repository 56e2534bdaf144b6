import { DefaultTransporter, GoogleAuth } from "google-auth-library";
import { z } from "zod";
import { GatewayError } from "../errors.js";
import type { RuntimeProvider } from "../snapshot.js";
import { credentialCacheKey, credentialJson } from "./credential-json.js";

const CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";
/** Where google-auth-library v9 (gtoken) always sends the JWT-bearer grant, whatever the key says. */
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
  token_uri: z.string().url().optional(),
});

type RequestOptions = Parameters<DefaultTransporter["request"]>[0];

/** Honours the key's token_uri (private or sovereign endpoints) where the library would not. */
export class TokenUriTransporter extends DefaultTransporter {
  constructor(private readonly tokenUri: string) {
    super();
  }

  override request<T>(opts: RequestOptions) {
    const url = opts.url === undefined ? undefined : String(opts.url);
    return super.request<T>(
      url !== undefined && LIBRARY_TOKEN_URLS.has(url) ? { ...opts, url: this.tokenUri } : opts,
    );
  }
}

interface VertexAuth {
  auth: GoogleAuth;
  project: Promise<string>;
}

const clients = new Map<string, VertexAuth>();
const MAX_CLIENTS = 256;

function createAuth(provider: RuntimeProvider): VertexAuth {
  if (provider.credential === undefined) {
    // Workload identity (GKE) or any other Application Default Credentials.
    const auth = new GoogleAuth({ scopes: [CLOUD_PLATFORM] });
    return { auth, project: auth.getProjectId() };
  }
  const key = credentialJson(
    provider,
    provider.credential,
    serviceAccountKeySchema,
    "a service-account JSON key",
  );
  const custom = key.token_uri && !LIBRARY_TOKEN_URLS.has(key.token_uri) ? key.token_uri : undefined;
  const auth = new GoogleAuth({
    credentials: key,
    scopes: [CLOUD_PLATFORM],
    ...(custom
      ? { clientOptions: { additionalClaims: { aud: custom }, transporter: new TokenUriTransporter(custom) } }
      : {}),
  });
  return { auth, project: Promise.resolve(key.project_id) };
}

/**
 * An OAuth access token for Vertex, minted from the service-account key (or ambient
 * identity) and cached by google-auth-library until shortly before it expires.
 */
export async function vertexAccess(provider: RuntimeProvider): Promise<{ token: string; project: string }> {
  const cacheKey = credentialCacheKey(provider);
  let client = clients.get(cacheKey);
  if (!client) {
    if (clients.size >= MAX_CLIENTS) clients.clear();
    client = createAuth(provider);
    clients.set(cacheKey, client);
  }
  try {
    const token = await client.auth.getAccessToken();
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
