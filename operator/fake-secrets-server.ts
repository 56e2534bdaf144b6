/**
 * A stand-in API server for the Secrets of one namespace, for tests of code that writes them
 * through the real client: get, list by label, server-side apply, version-guarded replace, delete.
 * Apply is simplified to what one field manager sees: its fields replace the stored ones, and
 * owner references merge by uid as they do in a real apply.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { KubeConfig, V1OwnerReference, V1Secret } from "@kubernetes/client-node";
import { listenForKubeConfig } from "../common/kube/loopback-kubeconfig.js";

export interface FakeSecretsServer {
  kc: KubeConfig;
  secrets: Map<string, V1Secret>;
  /** "METHOD name" of every request, in order. */
  requests: string[];
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

const statusBody = (code: number, message: string) => ({ kind: "Status", apiVersion: "v1", code, message });

async function readBody(req: IncomingMessage): Promise<V1Secret> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8")) as V1Secret;
}

function matches(secret: V1Secret, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(",").every((term) => {
    const [key = "", value] = term.split("=");
    return secret.metadata?.labels?.[key] === value;
  });
}

function mergeOwners(
  stored: V1OwnerReference[] | undefined,
  applied: V1OwnerReference[] | undefined,
): V1OwnerReference[] | undefined {
  const all = [...(stored ?? []).filter((r) => !applied?.some((a) => a.uid === r.uid)), ...(applied ?? [])];
  return all.length > 0 ? all : undefined;
}

type Reply = [status: number, body: unknown];

class SecretsState {
  readonly secrets = new Map<string, V1Secret>();
  private version = 0;

  constructor(private readonly namespace: string) {}

  private store(name: string, secret: V1Secret): Reply {
    this.version++;
    const { managedFields: _, ...metadata } = secret.metadata ?? {};
    const saved = {
      ...secret,
      metadata: { ...metadata, name, namespace: this.namespace, resourceVersion: String(this.version) },
    };
    this.secrets.set(name, saved);
    return [200, saved];
  }

  read(name: string, selector: string | null): Reply {
    if (name === "") {
      const items = [...this.secrets.values()].filter((s) => matches(s, selector));
      return [200, { kind: "SecretList", apiVersion: "v1", metadata: {}, items }];
    }
    const found = this.secrets.get(name);
    return found ? [200, found] : [404, statusBody(404, `${name} not found`)];
  }

  delete(name: string): Reply {
    this.secrets.delete(name);
    return [200, statusBody(200, "deleted")];
  }

  /** PUT replaces an existing Secret; PATCH (apply) creates or merges. Both honour a resourceVersion. */
  write(method: string, name: string, body: V1Secret): Reply {
    const existing = this.secrets.get(name);
    const want = body.metadata?.resourceVersion;
    if (want !== undefined && existing?.metadata?.resourceVersion !== want) {
      return [409, statusBody(409, `${name} was modified`)];
    }
    if (method === "PUT")
      return existing ? this.store(name, body) : [404, statusBody(404, `${name} not found`)];
    const ownerReferences = mergeOwners(existing?.metadata?.ownerReferences, body.metadata?.ownerReferences);
    return this.store(name, { ...body, metadata: { ...body.metadata, ownerReferences } });
  }
}

export async function startFakeSecretsServer(namespace: string): Promise<FakeSecretsServer> {
  const state = new SecretsState(namespace);
  const requests: string[] = [];
  const prefix = `/api/v1/namespaces/${namespace}/secrets`;
  const handle = async (req: IncomingMessage, url: URL, name: string): Promise<Reply> => {
    if (req.method === "GET") return state.read(name, url.searchParams.get("labelSelector"));
    if (req.method === "DELETE") return state.delete(name);
    if (req.method === "PUT" || req.method === "PATCH")
      return state.write(req.method, name, await readBody(req));
    return [405, statusBody(405, `${req.method} not supported`)];
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const name = url.pathname.startsWith(`${prefix}/`) ? url.pathname.slice(prefix.length + 1) : "";
    requests.push(`${req.method} ${name}`);
    void handle(req, url, name).then(([status, body]) => send(res, status, body));
  });
  const kc = await listenForKubeConfig(server);
  return {
    kc,
    secrets: state.secrets,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
