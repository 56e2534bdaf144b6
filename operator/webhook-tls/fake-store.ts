/** An in-memory TlsStore that keeps every version it was given, so tests can look at the past. */
import type { DesiredSecret, StoredSecret, TlsStore, WebhookEntry } from "./store.js";

interface Versioned<T> {
  at: number;
  value: T;
}

export class FakeTlsStore implements TlsStore {
  readonly secrets = new Map<string, Array<Versioned<StoredSecret>>>();
  readonly bundles: Array<Versioned<WebhookEntry[]>> = [];
  writes = 0;
  patches = 0;
  private version = 0;

  constructor(
    private readonly now: () => number,
    /** null: the MutatingWebhookConfiguration does not exist. */
    entryNames: readonly string[] | null = ["a.kuberelay.dev", "b.kuberelay.dev"],
  ) {
    if (entryNames) this.bundles.push({ at: 0, value: entryNames.map((name) => ({ name, caBundle: "" })) });
  }

  async readSecret(name: string): Promise<StoredSecret | undefined> {
    return this.secrets.get(name)?.at(-1)?.value;
  }

  async writeSecret(name: string, secret: DesiredSecret, resourceVersion: string | undefined): Promise<void> {
    const current = this.secrets.get(name)?.at(-1)?.value;
    if (current?.resourceVersion !== resourceVersion)
      throw Object.assign(new Error("conflict"), { code: 409 });
    this.version++;
    this.writes++;
    const history = this.secrets.get(name) ?? [];
    history.push({
      at: this.now(),
      value: { data: { ...secret.data }, resourceVersion: String(this.version), owned: true },
    });
    this.secrets.set(name, history);
  }

  async readWebhookEntries(): Promise<WebhookEntry[] | undefined> {
    return this.bundles.at(-1)?.value.map((e) => ({ ...e }));
  }

  async patchCaBundles(
    entries: ReadonlyArray<{ index: number; name: string }>,
    caBundle: string,
  ): Promise<void> {
    const current = this.bundles.at(-1)?.value;
    if (!current) throw Object.assign(new Error("not found"), { code: 404 });
    const next = current.map((e) => ({ ...e }));
    for (const { index, name } of entries) {
      const entry = next[index];
      if (entry?.name !== name) throw Object.assign(new Error("test failed"), { code: 422 });
      entry.caBundle = caBundle;
    }
    this.patches++;
    this.bundles.push({ at: this.now(), value: next });
  }

  /** Simulates a Secret written by an operator that set no owner reference (an older version). */
  disown(name: string): void {
    const current = this.secrets.get(name)?.at(-1)?.value;
    if (!current) throw new Error(`no Secret ${name}`);
    this.version++;
    this.secrets.get(name)?.push({
      at: this.now(),
      value: { ...current, resourceVersion: String(this.version), owned: false },
    });
  }

  /** Simulates something else (helm upgrade) resetting every caBundle. */
  resetBundles(): void {
    const current = this.bundles.at(-1)?.value ?? [];
    this.bundles.push({ at: this.now(), value: current.map((e) => ({ ...e, caBundle: "" })) });
  }

  /** What a reader lagging `lagMs` behind sees. */
  /** The Secret as it was at `atMs`, i.e. what a reader lagging behind sees now. */
  secretAsSeen(name: string, atMs: number): StoredSecret | undefined {
    return this.secrets
      .get(name)
      ?.filter((v) => v.at <= atMs)
      .at(-1)?.value;
  }

  bundlesAsSeen(atMs: number): WebhookEntry[] | undefined {
    return this.bundles.filter((v) => v.at <= atMs).at(-1)?.value;
  }
}
