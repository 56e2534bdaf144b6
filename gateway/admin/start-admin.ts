import type { Server } from "node:http";
import type { Logger } from "../../common/log.js";
import { drain, listen } from "../../common/process/listen.js";
import type { RunningLedger } from "../ledger/start-ledger.js";
import { createAdminApp } from "./admin-app.js";
import { adminTokenFromEnv, bearerCheck } from "./admin-token.js";

export interface RunningAdmin {
  port: number;
  server: Server;
  drain(deadlineMs: number): Promise<void>;
}

/**
 * The admin API's port, when it has both a token to check and a ledger to read; otherwise one
 * log line says which is missing. A token too short to be safe stops the gateway instead.
 */
export async function startAdmin(o: {
  env: NodeJS.ProcessEnv;
  port: number;
  host: string;
  ledger: RunningLedger | undefined;
  log: Logger;
}): Promise<RunningAdmin | undefined> {
  const token = adminTokenFromEnv(o.env);
  if (token === undefined) {
    o.log.info("admin API off: KUBERELAY_ADMIN_TOKEN is not set");
    return undefined;
  }
  const ledger = o.ledger;
  if (ledger === undefined) {
    o.log.info(
      "admin API off: it reports from the usage ledger, and there is none (--database-url or --data-dir)",
    );
    return undefined;
  }
  const app = createAdminApp({
    authorized: bearerCheck(token),
    usage: (query, maxRows) => ledger.usage(query, maxRows),
    log: o.log.child({ surface: "admin" }),
  });
  const { server, port } = await listen(app, o.port, o.host);
  return { server, port, drain: (deadlineMs) => drain(server, deadlineMs) };
}
