import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type KmsError, serialization, unknownOperation } from "./kms-errors.js";
import { type KmsOperation, MockKeyStore, type MockKmsKey, type MockKmsKeySpec } from "./kms-keys.js";
import { runOperation } from "./kms-operations.js";
import { verifyKmsSigV4 } from "./kms-sigv4.js";

export type { KmsOperation, MockKmsKey, MockKmsKeySpec } from "./kms-keys.js";

export interface MockKmsOptions {
  region: string;
  /** Access key id → secret access key: the principals that can sign requests. */
  principals: Readonly<Record<string, string>>;
  keys: readonly MockKmsKeySpec[];
  port?: number;
  host?: string;
}

/** One request as the mock saw it: enough to count KMS calls per principal and operation. */
export interface KmsCall {
  operation: string;
  principal: string | undefined;
  keyId: string | undefined;
  /** `ok`, or the error type returned. */
  outcome: string;
}

export interface MockKms {
  url: string;
  port: number;
  keys: MockKmsKey[];
  calls: KmsCall[];
  close(): Promise<void>;
}

const OPERATIONS = new Set<string>(["Encrypt", "Decrypt", "GenerateDataKey"]);
const TARGET_PREFIX = "TrentService.";
const CONTENT_TYPE = "application/x-amz-json-1.1";

/**
 * A KMS-compatible endpoint (AWS JSON 1.1, `X-Amz-Target: TrentService.*`) for Encrypt,
 * Decrypt and GenerateDataKey: SigV4-verified principals, per-key policies, encryption
 * context bound into AES-GCM blobs, and errors shaped as KMS's.
 */
export async function startMockKms(options: MockKmsOptions): Promise<MockKms> {
  const store = new MockKeyStore(options.region, "111122223333");
  const keys = options.keys.map((spec) => store.add(spec));
  const secrets = new Map(Object.entries(options.principals));
  const calls: KmsCall[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const target = String(req.headers["x-amz-target"] ?? "");
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
    const record = (principal: string | undefined, keyId: string | undefined, outcome: string) =>
      calls.push({ operation, principal, keyId, outcome });
    const verdict = await verifyKmsSigV4(
      { method: req.method ?? "", url: req.url ?? "/", headers: req.headers, body },
      secrets,
      options.region,
      new Date(),
    );
    if (!verdict.ok) {
      record(undefined, undefined, verdict.error.type);
      return sendError(res, verdict.error);
    }
    if (req.method !== "POST" || !OPERATIONS.has(operation)) {
      record(verdict.accessKeyId, undefined, "UnknownOperationException");
      return sendError(res, unknownOperation(target || "(no X-Amz-Target)"));
    }
    const parsed = parseJsonObject(body);
    if ("type" in parsed) {
      record(verdict.accessKeyId, undefined, parsed.type);
      return sendError(res, parsed);
    }
    const result = runOperation(store, verdict.accessKeyId, operation as KmsOperation, parsed.value);
    record(verdict.accessKeyId, result.keyId, result.ok ? "ok" : result.error.type);
    if (!result.ok) return sendError(res, result.error);
    send(res, 200, result.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      sendError(res, {
        status: 500,
        type: "KMSInternalException",
        message: err instanceof Error ? err.message : "internal error",
      });
    });
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    keys,
    calls,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": CONTENT_TYPE, ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, error: KmsError): void {
  send(res, error.status, { __type: error.type, message: error.message }, { "x-amzn-ErrorType": error.type });
}

function parseJsonObject(body: Uint8Array): { value: Record<string, unknown> } | KmsError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body).toString("utf8") || "{}");
  } catch {
    return serialization("Request body is not JSON");
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    return serialization("Request body must be a JSON object");
  }
  return { value: parsed as Record<string, unknown> };
}
