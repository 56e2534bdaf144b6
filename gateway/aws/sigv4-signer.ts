import { randomUUID } from "node:crypto";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import { upstreamHeaders } from "./upstream-headers.js";

export interface StaticAwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface BedrockSignerOptions {
  region: string;
  /** Omitted: the ambient chain (env, web identity/IRSA, pod identity, instance profile). */
  credentials?: StaticAwsCredentials;
  /** Tests pin the signing time; production always signs with the current time. */
  clock?: () => Date;
}

export interface SignableRequest {
  method: string;
  url: string | URL;
  headers: Record<string, string>;
  /** Bedrock bodies are small JSON documents the gateway already holds, so the payload hash is exact. */
  body?: Uint8Array | string;
}

export interface BedrockSigner {
  /** Every header to send upstream, signed; the caller's own credential headers are gone. */
  sign(request: SignableRequest): Promise<Record<string, string>>;
}

type CredentialSource = ConstructorParameters<typeof SignatureV4>[0]["credentials"];
// presign takes the same HttpRequest shape sign() does, without sign()'s overloads in the way.
type RequestToSign = Parameters<SignatureV4["presign"]>[0];

const SERVICE = "bedrock";
/** The Node SDK's own hash, so signatures match what the official clients produce byte for byte. */
const Sha256 = Hash.bind(null, "sha256");

export function createBedrockSigner(options: BedrockSignerOptions): BedrockSigner {
  const signer = new SignatureV4({
    service: SERVICE,
    region: options.region,
    credentials: credentialSource(options),
    sha256: Sha256,
    // Bedrock, like every service but S3, expects the already-encoded path encoded once more.
    uriEscapePath: true,
    applyChecksum: true,
  });
  const clock = options.clock ?? (() => new Date());

  return {
    async sign(request) {
      const url = new URL(request.url);
      const headers = upstreamHeaders(request.headers);
      headers.host = url.host;
      // A fresh id per signing keeps two identical bodies sent in the same second from
      // producing identical signatures, which a replay check upstream would refuse.
      headers["amz-sdk-invocation-id"] = randomUUID();
      const signed = await signer.sign(toHttpRequest(request, url, headers), { signingDate: clock() });
      return stringHeaders(signed.headers);
    },
  };
}

function credentialSource(options: BedrockSignerOptions): CredentialSource {
  if (options.credentials) return { ...options.credentials };
  // The chain memoizes credentials and refreshes them five minutes before they expire, so
  // temporary IRSA / pod-identity credentials rotate without a restart. The region only
  // matters to STS calls the chain makes for web identity when the pod sets no AWS_REGION.
  return defaultProvider({ clientConfig: { region: options.region } });
}

function toHttpRequest(request: SignableRequest, url: URL, headers: Record<string, string>): RequestToSign {
  return {
    method: request.method.toUpperCase(),
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port === "" ? undefined : Number(url.port),
    // pathname is exactly what fetch puts on the wire, so both sides canonicalize the same bytes.
    path: url.pathname,
    query: queryOf(url),
    headers,
    body: request.body,
  };
}

function queryOf(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = values.length === 1 ? (values[0] ?? "") : values;
  }
  return query;
}

function stringHeaders(headers: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = value;
  }
  return out;
}
