import type { KeyEncryptionKey } from "./envelope.js";

/**
 * Unwrapped data keys by (KEK, context, wrapped blob), least recently used out first. A config
 * reload whose envelopes did not change then unwraps nothing, so a KMS-backed gateway does not
 * call KMS on every reload. The keys stay in this process's memory only, as the credentials do.
 */
export class DataKeyCache {
  private readonly entries = new Map<string, Buffer>();
  /** Unwraps that went to the KEK (a KMS call for a KMS key). */
  misses = 0;
  hits = 0;

  constructor(private readonly maxEntries = 1024) {
    if (maxEntries < 1) throw new Error("the data-key cache needs room for at least one key");
  }

  get size(): number {
    return this.entries.size;
  }

  /** Wraps a KEK so its unwrap consults this cache first. */
  around(kek: KeyEncryptionKey): KeyEncryptionKey {
    const unwrap = async (wrapped: string, context: string): Promise<Buffer> => {
      const key = `${kek.id}\n${context}\n${wrapped}`;
      const cached = this.entries.get(key);
      if (cached) {
        this.hits++;
        // Re-insert: Map order is the recency order.
        this.entries.delete(key);
        this.entries.set(key, cached);
        return Buffer.from(cached);
      }
      this.misses++;
      const dataKey = await kek.unwrap(wrapped, context);
      this.entries.set(key, Buffer.from(dataKey));
      while (this.entries.size > this.maxEntries) {
        const oldest = this.entries.keys().next().value;
        if (oldest === undefined) break;
        this.entries.get(oldest)?.fill(0);
        this.entries.delete(oldest);
      }
      return dataKey;
    };
    const wrapped: KeyEncryptionKey = {
      id: kek.id,
      wrap: (dataKey, context) => kek.wrap(dataKey, context),
      unwrap,
    };
    const generate = kek.generateDataKey?.bind(kek);
    return generate ? { ...wrapped, generateDataKey: generate } : wrapped;
  }
}
