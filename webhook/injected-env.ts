/** The Secret and data key holding a RelayKey's plaintext; the webhook only ever names them, never reads them. */
export interface RelayKeyRef {
  secretName: string;
  secretKey: string;
}

/** The subset of a Kubernetes EnvVar the webhook writes. */
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef: { name: string; key: string } };
}

export const BASE_URL_ENV_NAMES = [
  "OPENAI_BASE_URL",
  "ANTHROPIC_BASE_URL",
  "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
] as const;
/** AWS_BEARER_TOKEN_BEDROCK is the Bedrock API-key credential the AWS SDKs send as a bearer token. */
export const KEY_ENV_NAMES = ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "AWS_BEARER_TOKEN_BEDROCK"] as const;

/** A trailing slash would give `//v1`, which some SDKs keep verbatim in the request path. */
function trimTrailingSlashes(url: string): string {
  return url.replace(/\/+$/, "");
}

/**
 * The variables a selected container should have, in the order they are appended. The OpenAI SDKs expect the
 * `/v1` prefix in their base URL; the Anthropic SDKs add it themselves; the AWS SDKs call `/model/...` on the
 * endpoint, which the gateway serves at its root.
 */
export function injectedEnv(gatewayUrl: string, relayKey: RelayKeyRef | undefined): EnvVar[] {
  const base = trimTrailingSlashes(gatewayUrl);
  const urls: EnvVar[] = [
    { name: "OPENAI_BASE_URL", value: `${base}/v1` },
    { name: "ANTHROPIC_BASE_URL", value: base },
    { name: "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", value: base },
  ];
  if (relayKey === undefined) return urls;
  const secretKeyRef = { name: relayKey.secretName, key: relayKey.secretKey };
  return [
    ...urls,
    ...KEY_ENV_NAMES.map((name) => ({ name, valueFrom: { secretKeyRef: { ...secretKeyRef } } })),
  ];
}
