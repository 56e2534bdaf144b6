/**
 * Runs the TLS reconciler while this operator leads: a pass when the CA Secret, the serving Secret
 * or the MutatingWebhookConfiguration changes (someone resetting caBundle is repaired at once),
 * and otherwise when the reconciler says the next step is due.
 */
import {
  AdmissionregistrationV1Api,
  CoreV1Api,
  type KubeConfig,
  type KubernetesObject,
} from "@kubernetes/client-node";
import { apiErrorMessage } from "../../common/kube/api-error.js";
import { type RunningInformer, startInformer } from "../../common/kube/informer.js";
import type { Logger } from "../../common/log.js";
import type { WebhookTlsConfig } from "./config.js";
import { type PassResult, TlsReconciler } from "./reconcile.js";
import type { TlsStore } from "./store.js";

/** Coalesces a burst of watch events (our own writes echo back) into one pass. */
const DEBOUNCE_MS = 200;
const MAX_BACKOFF_MS = 30_000;

export class WebhookTlsManager {
  private readonly reconciler: TlsReconciler;
  private informers: Array<RunningInformer<KubernetesObject>> = [];
  private timer: NodeJS.Timeout | undefined;
  private dueAt = 0;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private backoffMs = 1_000;

  constructor(
    private readonly kc: KubeConfig,
    private readonly log: Logger,
    private readonly config: WebhookTlsConfig,
    /** The Secrets and caBundle on the API (kubeTlsStore). */
    store: TlsStore,
    /** Told of every successful pass: metrics and Events (webhook-tls/report.ts). */
    private readonly onPass: (result: PassResult) => void = () => {},
  ) {
    this.reconciler = new TlsReconciler({ store, config });
  }

  /** Call once, only while holding the lease: every pass may write. */
  start(): void {
    this.informers = this.watches();
    this.schedule(0);
  }

  /** Resolves after the pass in flight, so no write follows. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.all(this.informers.map((i) => i.stop()));
    await this.running;
  }

  /** Keeps the earliest of the pending wake-ups, so a watch event during a pass is not lost to its reschedule. */
  private schedule(delayMs: number): void {
    if (this.stopped) return;
    const at = Date.now() + delayMs;
    if (this.timer && this.dueAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.dueAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.running.then(() => this.runPass());
    }, delayMs);
  }

  private async runPass(): Promise<void> {
    if (this.stopped) return;
    try {
      const result = await this.reconciler.pass();
      this.backoffMs = 1_000;
      if (result.actions.length > 0) this.log.info("webhook tls updated", fields(result));
      this.onPass(result);
      this.schedule(result.nextInMs);
    } catch (err) {
      this.log.warn("webhook tls pass failed; retrying", {
        error: apiErrorMessage(err),
        retryInMs: this.backoffMs,
      });
      this.schedule(this.backoffMs);
      this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    }
  }

  private watches(): Array<RunningInformer<KubernetesObject>> {
    const core = this.kc.makeApiClient(CoreV1Api);
    const admission = this.kc.makeApiClient(AdmissionregistrationV1Api);
    const { namespace } = this.config;
    const onChange = () => this.schedule(DEBOUNCE_MS);
    const secret = (name: string) =>
      startInformer<KubernetesObject>(this.kc, {
        path: `/api/v1/namespaces/${namespace}/secrets`,
        fieldSelector: `metadata.name=${name}`,
        list: () => core.listNamespacedSecret({ namespace, fieldSelector: `metadata.name=${name}` }),
        log: this.log,
        onChange,
      });
    const mwcSelector = `metadata.name=${this.config.webhookConfigName}`;
    return [
      secret(this.config.secretName),
      secret(this.config.caSecretName),
      startInformer<KubernetesObject>(this.kc, {
        path: "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations",
        fieldSelector: mwcSelector,
        list: () => admission.listMutatingWebhookConfiguration({ fieldSelector: mwcSelector }),
        log: this.log,
        onChange,
      }),
    ];
  }
}

/** What a human needs to follow a rotation; never key material. */
function fields(result: PassResult): Record<string, unknown> {
  return {
    actions: result.actions,
    servingSerial: result.servingSerial,
    caFingerprint: result.caFingerprint.slice(0, 23),
    trustedCas: result.trustedCas,
    nextCheckInMs: result.nextInMs,
  };
}
