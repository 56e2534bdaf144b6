import { parseArgs } from "node:util";

export const GATEWAY_URL_ENV = "KUBERELAY_GATEWAY_URL";

export const webhookUsage = `kuberelay webhook [flags]
  --tls-cert-file PATH   serving certificate (PEM); reloaded when the file changes
  --tls-key-file PATH    serving key (PEM); reloaded when the file changes
  --tls-secret NAME      instead of the files: the kubernetes.io/tls Secret NAME in the own namespace,
                         watched through the API and swapped in when it changes
                         (required: both files, or the Secret)
  --gateway-url URL      gateway URL injected into Pods, e.g. http://kuberelay-gateway.kuberelay.svc:8787
                         (required; or ${GATEWAY_URL_ENV})
  --port N               HTTPS port (default 8443; 0 picks a free one)
  --host ADDR            address to bind (default 0.0.0.0)
  --metrics-port N       plain HTTP port for /metrics and /healthz (default 9090; 0 picks a free one)
  --namespace NS         the webhook's own namespace, never injected (default POD_NAMESPACE or the
                         ServiceAccount's namespace)
  --help                 print this help
  Kubernetes access: KUBECONFIG, ~/.kube/config or the in-cluster ServiceAccount.`;

export interface WebhookConfig {
  host: string;
  port: number;
  metricsPort: number;
  /** As given; `undefined` means "find out at startup" (POD_NAMESPACE, then the ServiceAccount). */
  namespace: string | undefined;
  tls: WebhookTlsConfig;
  /** Normalised: no trailing slash. */
  gatewayUrl: string;
}

/** Files (a mounted Secret, polled) or a Secret watched through the API. */
export type WebhookTlsConfig = { certFile: string; keyFile: string } | { secretName: string };

export type WebhookCommand = { help: true } | { help: false; config: WebhookConfig };

/** Bad flags; the message names the flag and is meant for a human at a terminal. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(`${message}\n\n${webhookUsage}`, options);
  }
}

export function parseWebhookFlags(args: readonly string[], env: NodeJS.ProcessEnv): WebhookCommand {
  let values: ReturnType<typeof parse>["values"];
  try {
    ({ values } = parse(args));
  } catch (cause) {
    throw new UsageError(cause instanceof Error ? cause.message : String(cause), { cause });
  }
  if (values.help) return { help: true };
  return {
    help: false,
    config: {
      host: values.host,
      port: parsePort(values.port, "--port"),
      metricsPort: parsePort(values["metrics-port"], "--metrics-port"),
      namespace: values.namespace || undefined,
      tls: parseTls(values["tls-cert-file"], values["tls-key-file"], values["tls-secret"]),
      gatewayUrl: parseGatewayUrl(values["gateway-url"] ?? env[GATEWAY_URL_ENV]),
    },
  };
}

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: "string", default: "8443" },
      "metrics-port": { type: "string", default: "9090" },
      namespace: { type: "string" },
      host: { type: "string", default: "0.0.0.0" },
      "tls-cert-file": { type: "string" },
      "tls-key-file": { type: "string" },
      "tls-secret": { type: "string" },
      "gateway-url": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
}

function parseTls(
  certFile: string | undefined,
  keyFile: string | undefined,
  secretName: string | undefined,
): WebhookTlsConfig {
  if (secretName !== undefined && secretName !== "") {
    if (certFile || keyFile) {
      throw new UsageError("--tls-secret cannot be combined with --tls-cert-file or --tls-key-file");
    }
    return { secretName };
  }
  if (!certFile && !keyFile) {
    throw new UsageError("--tls-cert-file and --tls-key-file, or --tls-secret, are required");
  }
  return { certFile: required(certFile, "--tls-cert-file"), keyFile: required(keyFile, "--tls-key-file") };
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === "") throw new UsageError(`${flag} is required`);
  return value;
}

function parsePort(value: string, flag: string): number {
  const port = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(port) || port > 65_535) {
    throw new UsageError(`${flag} must be 0-65535, got "${value}"`);
  }
  return port;
}

function parseGatewayUrl(value: string | undefined): string {
  if (value === undefined || value === "") {
    throw new UsageError(`--gateway-url (or ${GATEWAY_URL_ENV}) is required`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw new UsageError(`--gateway-url is not a URL: "${value}"`, { cause });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`--gateway-url must be http or https, got "${url.protocol}"`);
  }
  if (url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
    throw new UsageError("--gateway-url must not carry credentials, a query or a fragment");
  }
  return url.href.replace(/\/+$/, "");
}
