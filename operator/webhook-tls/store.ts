/** What the TLS manager reads and writes, behind an interface so the rotation logic runs against a fake in tests. */

export interface StoredSecret {
  /** Values decoded to UTF-8 (PEM text). */
  data: Record<string, string>;
  resourceVersion: string;
  /** Carries the operator's owner reference, or there is none to carry (see secret-owner.ts). */
  owned: boolean;
}

export interface DesiredSecret {
  type: "Opaque" | "kubernetes.io/tls";
  data: Record<string, string>;
}

export interface WebhookEntry {
  name: string;
  /** clientConfig.caBundle as stored (base64 of PEM), "" when unset. */
  caBundle: string;
}

export interface TlsStore {
  readSecret(name: string): Promise<StoredSecret | undefined>;
  /** Creates the Secret when `resourceVersion` is undefined, else replaces that exact version (409 on a race). */
  writeSecret(name: string, secret: DesiredSecret, resourceVersion: string | undefined): Promise<void>;
  /** undefined when the MutatingWebhookConfiguration does not exist. */
  readWebhookEntries(): Promise<WebhookEntry[] | undefined>;
  /** Sets clientConfig.caBundle of the entries at these indexes, each guarded by its name. */
  patchCaBundles(entries: ReadonlyArray<{ index: number; name: string }>, caBundle: string): Promise<void>;
}
