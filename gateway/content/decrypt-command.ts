import { parseArgs } from "node:util";
import { contentKeysFromEnv, openContent } from "../../common/crypto/content-key.js";
import { openDatabase } from "../../common/db/open-database.js";
import { contentBinding } from "./capture.js";

export const decryptUsage = `kuberelay decrypt --request-id ID (--database-url URL | --data-dir DIR)
  prints a captured request and its answer (Policy content.mode encrypted or plaintext) as JSON;
  offline, by design: no API ever returns content
env: KUBERELAY_CONTENT_KEY, and KUBERELAY_CONTENT_KEY_PREVIOUS for content sealed before a rotation
     (DATABASE_URL or KUBERELAY_DATA_DIR instead of the flags)`;

interface ContentRow {
  occurred_at: Date | string;
  policy: string;
  encoding: "aes-256-gcm" | "plaintext";
  key_id: string | null;
  request: Uint8Array;
  response: Uint8Array;
  request_truncated: boolean;
  response_truncated: boolean;
}

/** Exit code: 0 printed, 1 not found or not openable, 2 bad usage. */
export async function runDecrypt(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: (text: string) => void = (t) => process.stdout.write(t),
  err: (text: string) => void = (t) => process.stderr.write(t),
): Promise<number> {
  let values: {
    "request-id"?: string | undefined;
    "database-url"?: string | undefined;
    "data-dir"?: string | undefined;
  };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        "request-id": { type: "string" },
        "database-url": { type: "string" },
        "data-dir": { type: "string" },
      },
    }));
  } catch (e) {
    err(`${e instanceof Error ? e.message : String(e)}\n${decryptUsage}\n`);
    return 2;
  }
  const requestId = values["request-id"];
  const url = values["database-url"] ?? env.DATABASE_URL;
  const dataDir = values["data-dir"] ?? env.KUBERELAY_DATA_DIR;
  if (!requestId || (url === undefined && dataDir === undefined)) {
    err(`${decryptUsage}\n`);
    return 2;
  }
  const keys = contentKeysFromEnv(env).all;
  const { db } = await openDatabase(url !== undefined ? { url } : { dataDir: dataDir ?? "" });
  try {
    const { rows } = await db.query<ContentRow>(
      `SELECT occurred_at, policy, encoding, key_id, request, response, request_truncated, response_truncated
         FROM usage_content WHERE request_id = $1`,
      [requestId],
    );
    const row = rows[0];
    if (!row) {
      err(`no captured content for ${requestId}\n`);
      return 1;
    }
    let open = (bytes: Uint8Array, _direction: "request" | "response"): Buffer => Buffer.from(bytes);
    if (row.encoding === "aes-256-gcm") {
      const key = keys.find((k) => k.id === row.key_id);
      if (!key) {
        err(
          `${requestId} is sealed with ${row.key_id}; KUBERELAY_CONTENT_KEY(_PREVIOUS) holds ${keys.map((k) => k.id).join(", ") || "no key"}\n`,
        );
        return 1;
      }
      open = (bytes, direction) => openContent(key, Buffer.from(bytes), contentBinding(requestId, direction));
    }
    out(
      `${JSON.stringify({
        requestId,
        occurredAt: new Date(row.occurred_at).toISOString(),
        policy: row.policy,
        encoding: row.encoding,
        ...(row.key_id ? { keyId: row.key_id } : {}),
        request: open(row.request, "request").toString("utf8"),
        response: open(row.response, "response").toString("utf8"),
        requestTruncated: row.request_truncated,
        responseTruncated: row.response_truncated,
      })}\n`,
    );
    return 0;
  } catch (e) {
    err(`could not open the content of ${requestId}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    await db.close();
  }
}
