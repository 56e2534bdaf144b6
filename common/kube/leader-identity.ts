import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

/**
 * Who holds the lease: the pod's name (or the host's) plus a random suffix, so a restarted
 * pod with the same name never mistakes its predecessor's lease for its own.
 */
export function leaderIdentity(env: NodeJS.ProcessEnv = process.env): string {
  return `${env.POD_NAME || hostname()}_${randomBytes(4).toString("hex")}`;
}
