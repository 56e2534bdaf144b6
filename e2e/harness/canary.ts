/**
 * Canary secrets and the leak scan the adversarial files and every stack run after their cases:
 * any 8-character piece of a canary in something kuberelay produced (its output, a response,
 * /metrics, an Event, a status) is a leak; 16 when the piece is hex only (HEX_CONFIRM).
 */
import { randomBytes } from "node:crypto";

export const WINDOW = 8;

/**
 * Hex is the alphabet of UIDs, hashes and generations, which kuberelay's texts are full of: 8 hex
 * characters (32 bits) of some secret turn up in them by chance (a run with 3,000 such windows
 * and a few hundred UIDs met one). A window of hex only is a hit when the text holds 16 (64 bits)
 * of the secret around it.
 */
const HEX_WINDOW = /^[0-9a-fA-F]{8}$/;
export const HEX_CONFIRM = 16;

/** Whether `text` holds HEX_CONFIRM characters of `secret` that cover the window at `at`. */
function confirmsHex(text: string, at: number, secret: string): boolean {
  for (let k = Math.max(0, at + WINDOW - HEX_CONFIRM); k <= at && k + HEX_CONFIRM <= text.length; k++) {
    if (secret.includes(text.slice(k, k + HEX_CONFIRM))) return true;
  }
  return false;
}

/** A secret that is recognisable if any 8 characters of it ever come back. */
export function canary(): string {
  return `canary${randomBytes(16).toString("hex")}`;
}

export interface CanaryHit {
  source: string;
  canary: string;
  window: string;
  /** Text around the hit, to find it in a long log. */
  context: string;
}

/**
 * Holds every 8-character window of every canary in one Set, so a scan is one Set lookup per
 * position of the scanned text rather than one substring search per canary.
 */
export class CanaryScanner {
  private readonly windows = new Map<string, string>();
  private readonly allowed = new Set<string>();

  add(...secrets: string[]): this {
    for (const secret of secrets) {
      for (let i = 0; i + WINDOW <= secret.length; i++) {
        const window = secret.slice(i, i + WINDOW);
        if (!this.allowed.has(window)) this.windows.set(window, secret);
      }
    }
    return this;
  }

  /**
   * Never reports this exact window, e.g. a relay key's first 8 characters, which status shows by
   * design. Every other window of the same secret is still looked for, so a longer piece is a hit.
   */
  allow(window: string): this {
    this.allowed.add(window);
    this.windows.delete(window);
    return this;
  }

  /** How many distinct windows a scan looks for. */
  get size(): number {
    return this.windows.size;
  }

  scan(source: string, text: string): CanaryHit[] {
    const hits: CanaryHit[] = [];
    for (let i = 0; i + WINDOW <= text.length; i++) {
      const window = text.slice(i, i + WINDOW);
      const secret = this.windows.get(window);
      if (secret === undefined) continue;
      if (HEX_WINDOW.test(window) && !confirmsHex(text, i, secret)) continue;
      hits.push({ source, canary: secret, window, context: text.slice(Math.max(0, i - 60), i + 60) });
      // One hit per leaked stretch is enough to say where it is.
      i += WINDOW - 1;
    }
    return hits;
  }
}

/** What a file hands to the scan: named texts the gateway produced. */
export type Produced = { source: string; text: string }[];

/** Throws (failing the file's afterAll) with every hit, so a leak names where it happened. */
export function assertNoCanary(scanner: CanaryScanner, produced: Produced): void {
  const hits = produced.flatMap((p) => scanner.scan(p.source, p.text));
  if (hits.length === 0) return;
  const shown = hits
    .slice(0, 20)
    .map(
      (h) => `- ${h.source}: "${h.window}" of ${h.canary.slice(0, 10)}… in …${JSON.stringify(h.context)}…`,
    );
  throw new Error(`canary secrets leaked (${hits.length} hits):\n${shown.join("\n")}`);
}
