/**
 * The serving certificate read from a kubernetes.io/tls Secret through the API (list+watch of one
 * name), as the operator or cert-manager writes it. No volume mount, so no kubelet sync delay:
 * a rotated certificate is served within moments of the write.
 */

import { createSecureContext } from "node:tls";
import { CoreV1Api, type KubeConfig, type V1Secret } from "@kubernetes/client-node";
import { startInformer } from "../common/kube/informer.js";
import type { Logger } from "../common/log.js";
import type { TlsMaterial } from "./tls-files.js";
import type { TlsSource } from "./tls-source.js";

export interface TlsSecretRef {
  namespace: string;
  name: string;
}

/** A usable pair from the Secret, or why not; the reason never quotes the data. */
export function materialFromSecret(secret: V1Secret | undefined): TlsMaterial | { problem: string } {
  const crt = secret?.data?.["tls.crt"];
  const key = secret?.data?.["tls.key"];
  if (!secret) return { problem: "the Secret does not exist" };
  if (!crt || !key) return { problem: "the Secret lacks tls.crt or tls.key" };
  const material = { cert: Buffer.from(crt, "base64"), key: Buffer.from(key, "base64") };
  try {
    // Catches a certificate without its key, or a key that does not match, before it is served.
    createSecureContext(material);
  } catch {
    return { problem: "tls.crt and tls.key do not form a usable certificate and key" };
  }
  return material;
}

const isMaterial = (m: TlsMaterial | { problem: string }): m is TlsMaterial => "cert" in m;
const same = (a: TlsMaterial, b: TlsMaterial) => a.cert.equals(b.cert) && a.key.equals(b.key);

/**
 * Tracks the newest usable pair across Secret updates. A Secret that is deleted or turns bad is
 * reported once and otherwise ignored: the last good certificate keeps serving.
 */
export class TlsSecretTracker {
  private current: TlsMaterial | undefined;
  private lastProblem = "";
  private listener: ((material: TlsMaterial) => void) | undefined;
  private readonly waiters: Array<(material: TlsMaterial) => void> = [];

  constructor(
    private readonly ref: TlsSecretRef,
    private readonly logger: Logger,
  ) {}

  observe(secret: V1Secret | undefined): void {
    const found = materialFromSecret(secret);
    const where = `${this.ref.namespace}/${this.ref.name}`;
    if (!isMaterial(found)) {
      if (found.problem !== this.lastProblem) {
        this.logger.warn(
          this.current ? "tls secret unusable; keeping the last certificate" : "waiting for tls secret",
          {
            secret: where,
            reason: found.problem,
          },
        );
      }
      this.lastProblem = found.problem;
      return;
    }
    this.lastProblem = "";
    if (this.current && same(this.current, found)) return;
    const first = this.current === undefined;
    this.current = found;
    if (!first) {
      this.logger.info("tls reloaded", { secret: where });
      this.listener?.(found);
    }
    for (const resolve of this.waiters.splice(0)) resolve(found);
  }

  first(): Promise<TlsMaterial> {
    if (this.current) return Promise.resolve(this.current);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  onReload(listener: (material: TlsMaterial) => void): void {
    this.listener = listener;
  }
}

/** Watches the Secret and resolves once it holds a usable certificate; `signal` gives up waiting. */
export async function watchTlsSecret(
  kc: KubeConfig,
  ref: TlsSecretRef,
  logger: Logger,
  signal?: AbortSignal,
): Promise<TlsSource> {
  const core = kc.makeApiClient(CoreV1Api);
  const tracker = new TlsSecretTracker(ref, logger);
  const fieldSelector = `metadata.name=${ref.name}`;
  const informer = startInformer<V1Secret>(kc, {
    path: `/api/v1/namespaces/${ref.namespace}/secrets`,
    fieldSelector,
    list: () => core.listNamespacedSecret({ namespace: ref.namespace, fieldSelector }),
    log: logger,
    // On delete the cache no longer holds it: the lookup, not the event type, says what is there now.
    onChange: () => tracker.observe(informer.get(ref.name, ref.namespace)),
  });
  void informer.synced.then(() => tracker.observe(informer.get(ref.name, ref.namespace)));
  let initial: TlsMaterial;
  try {
    initial = await abortable(tracker.first(), signal);
  } catch (error) {
    await informer.stop();
    throw error;
  }
  return {
    initial,
    subscribe(onReload) {
      tracker.onReload(onReload);
      return { close: () => void informer.stop() };
    },
  };
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new Error("stopped while waiting for the TLS Secret"));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
