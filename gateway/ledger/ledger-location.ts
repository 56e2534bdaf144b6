import { join } from "node:path";

export type LedgerLocation = { url: string } | { dataDir: string } | undefined;

export interface LedgerFlags {
  url?: string | undefined;
  dataDir?: string | undefined;
  noLedger: boolean;
  /** Standalone mode (--config-dir): a gateway with no server behind it still keeps its ledger. */
  standalone: boolean;
}

/**
 * Where the usage ledger lives: PostgreSQL by URL, else the embedded database in a folder. A
 * standalone gateway keeps one by default, in the user's data directory; in a cluster the chart
 * says where (a Pod has no home worth writing to).
 */
export function ledgerLocation(flags: LedgerFlags, env: NodeJS.ProcessEnv = process.env): LedgerLocation {
  const { noLedger, standalone } = flags;
  // An empty variable (DATABASE_URL= in a manifest) is no setting.
  const url = flags.url || undefined;
  const dataDir = flags.dataDir || undefined;
  if (noLedger) {
    if (url !== undefined || dataDir !== undefined) {
      throw new Error(
        "--no-ledger contradicts --database-url / --data-dir (or DATABASE_URL / KUBERELAY_DATA_DIR)",
      );
    }
    return undefined;
  }
  if (url !== undefined) return { url };
  if (dataDir !== undefined) return { dataDir };
  if (!standalone) return undefined;
  return { dataDir: defaultDataDir(env) };
}

/** The XDG base directory convention: $XDG_DATA_HOME, else ~/.local/share. */
function defaultDataDir(env: NodeJS.ProcessEnv): string {
  if (env.XDG_DATA_HOME?.startsWith("/")) return join(env.XDG_DATA_HOME, "kuberelay");
  if (env.HOME?.startsWith("/") && env.HOME !== "/nonexistent")
    return join(env.HOME, ".local", "share", "kuberelay");
  throw new Error(
    "no home directory for the embedded usage ledger: give --data-dir DIR (or KUBERELAY_DATA_DIR), --database-url, or --no-ledger",
  );
}
