import { type KeyEncryptionKey, type KeySource, LEGACY_LOCAL_KEK_ID } from "./envelope.js";

/**
 * The KEKs one process holds: `current` seals (operator), every key unwraps (gateways pick by
 * the envelope's `kek` id). Holding the previous keys too is what makes rotation seamless.
 */
export class KeyRing implements KeySource {
  private readonly byId = new Map<string, KeyEncryptionKey>();

  constructor(
    readonly current: KeyEncryptionKey,
    previous: readonly KeyEncryptionKey[] = [],
  ) {
    for (const kek of [current, ...previous]) if (!this.byId.has(kek.id)) this.byId.set(kek.id, kek);
  }

  get ids(): string[] {
    return [...this.byId.keys()];
  }

  keyFor(kekId: string): KeyEncryptionKey | undefined {
    const found = this.byId.get(kekId);
    if (found || kekId !== LEGACY_LOCAL_KEK_ID) return found;
    // Envelopes written before ids named the key: the first local key (KUBERELAY_MASTER_KEY).
    return [...this.byId.values()].find((k) => k.id.startsWith("local:"));
  }

  /** True when an envelope under `kekId` should be re-wrapped under the current key. */
  isStale(kekId: string): boolean {
    return kekId !== this.current.id;
  }

  /** The same ring with every key's unwrap going through `decorate` (e.g. a data-key cache). */
  map(decorate: (kek: KeyEncryptionKey) => KeyEncryptionKey): KeyRing {
    const [current, ...previous] = [...this.byId.values()].map(decorate);
    if (!current) throw new Error("a key ring holds at least one key");
    return new KeyRing(current, previous);
  }
}
