import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { plausibleExpiry } from "../content/capture.js";
import type { UsageRow } from "./usage-row.js";

/** What a spooled line must be to go back into the ledger: anything else is skipped and counted. */
const spooledRow = z
  .object({
    requestId: z.string().min(1).max(200),
    occurredAt: z.number().int().nonnegative(),
    relayKey: z.string().min(3).max(600).includes("/"),
    policy: z.string().min(3).max(600),
    surface: z.string().max(64),
    operation: z.string().max(64).optional(),
    model: z.string().max(512).optional(),
    providerKey: z.string().max(600).optional(),
    provider: z.string().max(64).optional(),
    upstreamModel: z.string().max(512).optional(),
    status: z.number().int().min(0).max(999),
    inputTokens: z.number().int().nonnegative(),
    outputTokens: z.number().int().nonnegative(),
    costUsd: z.number().nonnegative().finite(),
    durationMs: z.number().int().nonnegative(),
    firstByteMs: z.number().int().nonnegative().optional(),
    streamed: z.boolean(),
    cancelled: z.boolean(),
    usageEstimated: z.boolean(),
    guardrailHits: z
      .record(z.string().max(128), z.number().int().nonnegative())
      .refine((r) => Object.keys(r).length <= 64)
      .optional(),
    content: z
      .object({
        encoding: z.enum(["aes-256-gcm", "plaintext"]),
        keyId: z.string().max(64).optional(),
        request: z.base64(),
        response: z.base64(),
        requestTruncated: z.boolean(),
        responseTruncated: z.boolean(),
        // Epoch ms; absent in lines spooled before there was one.
        deleteAfter: z.number().int().optional(),
      })
      .optional(),
  })
  // An expiry no Policy could have given (before a day, past ten years) refuses the line.
  .refine(
    (r) => r.content?.deleteAfter === undefined || plausibleExpiry(r.occurredAt, r.content.deleteAfter),
  );

const SPOOL_FILE = /^spool-\d+-\d+-\d+\.ndjson$/;

/**
 * Ledger rows on disk while the database cannot take them: when too many wait in memory, and at
 * shutdown. One file per save (written whole, then renamed into place), read back oldest first
 * once the database answers. Bounded by `maxBytes`; a save that does not fit is refused.
 */
export class LedgerSpool {
  private seq = 0;

  constructor(
    private readonly dir: string,
    private readonly maxBytes = 256 * 1024 * 1024,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** Saves the rows in one file; false (nothing written) when they would pass the bound. */
  save(rows: readonly UsageRow[]): boolean {
    if (rows.length === 0) return true;
    const text = `${rows.map((r) => JSON.stringify(r)).join("\n")}\n`;
    if (this.bytes() + Buffer.byteLength(text) > this.maxBytes) return false;
    const name = `spool-${Date.now()}-${process.pid}-${this.seq++}.ndjson`;
    const tmp = join(this.dir, `.${name}.tmp`);
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, join(this.dir, name));
    return true;
  }

  /** Spooled files, oldest first. */
  files(): string[] {
    return readdirSync(this.dir)
      .filter((f) => SPOOL_FILE.test(f))
      .sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  }

  /** A file's rows, and how many of its lines were not rows (a torn write, a hand edit). */
  read(file: string): { rows: UsageRow[]; skipped: number } {
    const rows: UsageRow[] = [];
    let skipped = 0;
    for (const line of readFileSync(join(this.dir, file), "utf8").split("\n")) {
      if (line === "") continue;
      try {
        const parsed = spooledRow.safeParse(JSON.parse(line));
        if (parsed.success) rows.push(parsed.data);
        else skipped++;
      } catch {
        skipped++;
      }
    }
    return { rows, skipped };
  }

  remove(file: string): void {
    rmSync(join(this.dir, file), { force: true });
  }

  private bytes(): number {
    return this.files().reduce((sum, f) => sum + statSync(join(this.dir, f)).size, 0);
  }
}

const order = (file: string) => Number(file.split("-")[1]);
