import {
  CoreV1Api,
  type KubeConfig,
  type KubernetesObject,
  type V1OwnerReference,
  type V1Secret,
} from "@kubernetes/client-node";
import type { KeyRing } from "../common/crypto/key-ring.js";
import { forEachLimit } from "../common/for-each-limit.js";
import { apiErrorMessage, isNotFound } from "../common/kube/api-error.js";
import type { Logger } from "../common/log.js";
import { LABEL_RELAY_KEY } from "../common/names.js";
import { type Policy, policySchema } from "../common/schemas/policy.js";
import { type ProviderKey, providerKeySchema } from "../common/schemas/provider-key.js";
import {
  hasGeneratedKey,
  type RelayKey,
  relayKeySchema,
  relayKeySecretLocation,
} from "../common/schemas/relay-key.js";
import { auditSnapshot, type ReadSecretMeta, secretMeta } from "./audit/audit-snapshot.js";
import type { Auditor } from "./audit/auditor.js";
import { type CacheEvent, type OperatorCaches, startCaches } from "./caches.js";
import { type CompileResult, compile, objectId } from "./compile.js";
import { ConfigWriter } from "./config-writer.js";
import type { GatewayContentAbilities } from "./content-condition.js";
import { currentReady, type EventRecorder, keyIssued, readyTurnedFalse } from "./events.js";
import { dueRotation, previousKeyOf, rotatedAt } from "./key-rotation.js";
import type { GatewayLimitCounting } from "./limits-condition.js";
import type { OperatorMetrics } from "./metrics.js";
import { readSecretValues, type SecretValueRef } from "./read-secret-values.js";
import { ensureRelayKeySecret, isOwnedSecret, plaintextFromOwnedSecret } from "./relay-key-secret.js";
import { rotateRelayKey } from "./rotate-relay-key.js";
import { SecretTriggers } from "./secret-triggers.js";
import type { SecretValue } from "./secret-value.js";
import { StatusWriter } from "./status-writer.js";
import { accepted, refused, validateObjects } from "./validate-objects.js";
import { Wakeups } from "./wakeups.js";
import { WorkQueue } from "./work-queue.js";

export const CONFIG_KEY = "config";
/** Writes the statuses of the newest compile. */
const STATUS_KEY = "statuses";
const RESYNC_MS = 30_000;
/** Reconciles of different keys run side by side (RelayKey Secrets are created in parallel). */
const WORKERS = 8;
const STATUS_WRITE_CONCURRENCY = 16;
/**
 * Changes arriving closer together than this share one compile. It grows with what a compile
 * costs (twice the last one), so a small cluster publishes at once and a huge one is not
 * spending all its time recompiling.
 */
const CONFIG_MIN_INTERVAL_MS = 100;

export interface ControllerOptions {
  namespace: string;
  configSecretName: string;
  /** Largest compressed config kept in one Secret; larger ones are sharded (default 512 KiB). */
  configShardBytes?: number;
  /** Owner of the config Secrets, so they are garbage-collected with it (secret-owner.ts). */
  secretOwner?: V1OwnerReference;
  /** Where events about reconciled objects go; none are recorded without one. */
  events?: EventRecorder;
  /** The operator's metrics; the config's envelopes per KEK are reported there. */
  metrics?: OperatorMetrics;
  /** Records who changed what (operator/audit/); each compile shows it the objects as they are. */
  audit?: Auditor;
  /** What the gateways can do with captured content: Policies' ContentCaptured condition. */
  gatewayContent?: GatewayContentAbilities;
  /** Where the gateways count limits: Policies' and ProviderKeys' LimitsShared condition. */
  gatewayLimits?: GatewayLimitCounting;
}

const plurals = { RelayKey: "relaykeys", Policy: "policies", ProviderKey: "providerkeys" } as const;
type CustomKind = keyof typeof plurals;

/** Secrets read by GET for a compile: provider credentials and relay keys brought by reference. */
function secretRefs(providerKeys: readonly ProviderKey[], relayKeys: readonly RelayKey[]): SecretValueRef[] {
  const refs: SecretValueRef[] = [];
  for (const pk of providerKeys) {
    const ref = pk.spec.credentials.secretKeyRef;
    if (ref) refs.push({ namespace: pk.metadata.namespace, ...ref, use: "credential" });
  }
  for (const rk of relayKeys) {
    const where = relayKeySecretLocation(rk.spec);
    if (where && !where.generated) {
      refs.push({
        namespace: rk.metadata.namespace,
        name: where.secretName,
        key: where.key,
        use: "relayKey",
      });
    }
  }
  return refs;
}

/**
 * Level-triggered: events only enqueue keys. `RelayKey/ns/name` makes sure that key's
 * Secret exists; `config` recomputes the whole gateway config and every status from the
 * caches, writes the config if it changed, then writes the statuses that changed.
 */
export class Controller {
  private caches: OperatorCaches | undefined;
  private readonly queue: WorkQueue;
  private readonly statuses: StatusWriter;
  private readonly configWriter: ConfigWriter;
  private readonly secretConflicts = new Map<string, string>();
  private resync: NodeJS.Timeout | undefined;
  private configTimer: NodeJS.Timeout | undefined;
  private statusesToWrite:
    | {
        result: CompileResult;
        invalid: Array<{ kind: CustomKind; obj: KubernetesObject; message: string }>;
      }
    | undefined;
  private lastConfigAt = 0;
  private lastConfigMs = 0;
  private readonly events: EventRecorder | undefined;
  private readonly metrics: OperatorMetrics | undefined;
  private readonly audit: Auditor | undefined;
  private readonly secretTriggers: SecretTriggers;
  private readonly gatewayContent: GatewayContentAbilities | undefined;
  private readonly gatewayLimits: GatewayLimitCounting | undefined;
  /** Grace periods and expiries end without any API event: these timers requeue their keys. */
  private readonly wakeups = new Wakeups((key) =>
    key === CONFIG_KEY ? this.requestConfig() : this.queue.add(key),
  );

  constructor(
    private readonly kc: KubeConfig,
    private readonly log: Logger,
    keys: KeyRing,
    opts: ControllerOptions,
  ) {
    this.queue = new WorkQueue((key) => this.reconcile(key), log);
    this.statuses = new StatusWriter(kc);
    this.configWriter = new ConfigWriter(kc, log, keys, {
      namespace: opts.namespace,
      name: opts.configSecretName,
      shardBytes: opts.configShardBytes,
      owner: opts.secretOwner,
    });
    this.events = opts.events;
    this.metrics = opts.metrics;
    this.audit = opts.audit;
    this.gatewayContent = opts.gatewayContent;
    this.gatewayLimits = opts.gatewayLimits;
    this.secretTriggers = new SecretTriggers(kc, log, () => this.requestConfig());
  }

  private reportEnvelopes(): void {
    const gauge = this.metrics?.configEnvelopes;
    if (!gauge) return;
    gauge.reset();
    for (const [kek, count] of Object.entries(this.configWriter.envelopesByKek())) gauge.set({ kek }, count);
  }

  /** Fills the caches without writing anything: a standby keeps them warm to take over fast. */
  async warm(): Promise<void> {
    const caches = startCaches(this.kc, this.log, (e) => this.onEvent(e));
    this.caches = caches;
    await caches.synced();
    this.log.info("caches synced");
  }

  /** Starts reconciling, the only thing that writes. Call once, only while holding the lease. */
  work(): void {
    void this.queue.run(WORKERS);
    this.queue.add(CONFIG_KEY);
    this.resync = setInterval(() => this.requestConfig(), RESYNC_MS);
  }

  async start(): Promise<void> {
    await this.warm();
    this.work();
  }

  /** Resolves once the reconcile in flight has finished, so no write follows. */
  async stop(): Promise<void> {
    if (this.resync) clearInterval(this.resync);
    clearTimeout(this.configTimer);
    this.wakeups.stop();
    await this.queue.stop();
    await this.secretTriggers.stop();
    await this.caches?.stop();
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  private onEvent(e: CacheEvent): void {
    const ns = e.obj.metadata?.namespace ?? "";
    if (e.kind === "RelayKey") this.queue.add(`RelayKey/${ns}/${e.obj.metadata?.name ?? ""}`);
    if (e.kind === "Secret") {
      const owner = e.obj.metadata?.labels?.[LABEL_RELAY_KEY];
      // A deleted key Secret is issued again: the RelayKey still exists and needs one.
      if (owner) this.queue.add(`RelayKey/${ns}/${owner}`);
    }
    this.requestConfig();
  }

  /**
   * Asks for a config reconcile ahead of every other key, at most once per interval: behind
   * thousands of RelayKey keys it would wait for all of them, and running after each one
   * would recompile the whole config thousands of times.
   */
  private requestConfig(): void {
    if (this.configTimer) return;
    const interval = Math.max(CONFIG_MIN_INTERVAL_MS, 2 * this.lastConfigMs);
    const wait = this.lastConfigAt + interval - Date.now();
    if (wait <= 0) {
      this.queue.addFirst(CONFIG_KEY);
      return;
    }
    this.configTimer = setTimeout(() => {
      this.configTimer = undefined;
      this.queue.addFirst(CONFIG_KEY);
    }, wait);
  }

  private requireCaches(): OperatorCaches {
    if (!this.caches) throw new Error("controller not started");
    return this.caches;
  }

  private async reconcile(key: string): Promise<void> {
    if (key === CONFIG_KEY) return this.reconcileConfig();
    if (key === STATUS_KEY) return this.writeLatestStatuses();
    const [, namespace = "", name = ""] = key.split("/");
    return this.reconcileRelayKey(namespace, name);
  }

  private async reconcileRelayKey(namespace: string, name: string): Promise<void> {
    const caches = this.requireCaches();
    const raw = caches.relayKeys.get(name, namespace);
    const id = `${namespace}/${name}`;
    const parsed = relayKeySchema.safeParse(raw);
    // A referenced Secret (secretRef) belongs to whoever made it: it is only ever read.
    if (!raw || raw.metadata?.deletionTimestamp || !parsed.success || !hasGeneratedKey(parsed.data)) {
      this.secretConflicts.delete(id);
      return;
    }
    const rk = parsed.data;
    const result = await ensureRelayKeySecret(
      this.kc,
      rk,
      caches.managedSecrets.get(rk.spec.secretName, namespace),
    );
    if (result === "conflict") {
      this.secretConflicts.set(id, `Secret "${rk.spec.secretName}" exists and is not owned by this RelayKey`);
    } else this.secretConflicts.delete(id);
    if (result === "created") {
      this.log.info("relay key issued", { relayKey: id, secret: rk.spec.secretName });
      await this.events?.record("RelayKey", rk, keyIssued(rk.spec.secretName));
    }
    const cached = caches.managedSecrets.get(rk.spec.secretName, namespace);
    if (result === "exists" && isOwnedSecret(cached, rk.metadata.uid)) {
      const ctx = { kc: this.kc, log: this.log, events: this.events };
      const { wakeAt } = await rotateRelayKey(ctx, rk, cached);
      if (wakeAt !== undefined) this.wakeups.at(`RelayKey/${id}`, wakeAt);
    }
    this.requestConfig();
  }

  /**
   * Reads each Secret the compile needs by GET: these Secrets are not cached, so the operator
   * needs no list/watch on every Secret.
   */
  private readSecretValues(
    refs: readonly SecretValueRef[],
    onRead?: (secret: V1Secret) => void,
  ): Promise<Map<string, SecretValue>> {
    const core = this.kc.makeApiClient(CoreV1Api);
    return readSecretValues(refs, async (namespace, name) => {
      try {
        const secret = await core.readNamespacedSecret({ name, namespace });
        onRead?.(secret);
        return secret;
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    });
  }

  private async reconcileConfig(): Promise<void> {
    this.lastConfigAt = Date.now();
    await this.publishConfig();
  }

  private async publishConfig(): Promise<void> {
    const caches = this.requireCaches();
    const relayKeys = validateObjects(caches.relayKeys.list(), relayKeySchema);
    const policies = validateObjects(caches.policies.list(), policySchema);
    const providerKeys = validateObjects(caches.providerKeys.list(), providerKeySchema);
    await this.secretTriggers.sync(
      new Set(
        providerKeys.valid.flatMap((pk) => {
          const ref = pk.spec.credentials.secretKeyRef;
          return ref ? [`${pk.metadata.namespace}/${ref.name}`] : [];
        }),
      ),
    );
    const refs = secretRefs(providerKeys.valid, relayKeys.valid);
    const found = new Map<string, ReadSecretMeta>();
    const values = await this.readSecretValues(refs, (s) =>
      found.set(`${s.metadata?.namespace}/${s.metadata?.name}`, secretMeta(s)),
    );
    this.observeForAudit(caches, refs, found, values);
    const result = compile({
      relayKeys: relayKeys.valid,
      policies: policies.valid as Policy[],
      providerKeys: providerKeys.valid,
      namespaceLabels: (ns) => caches.namespaces.get(ns)?.metadata?.labels,
      relayKeyPlaintext: (rk, where) => {
        const ns = rk.metadata.namespace;
        if (!where.generated) return values.get(`${ns}/${where.secretName}/${where.key}`);
        return plaintextFromOwnedSecret(caches.managedSecrets.get(where.secretName, ns), rk.metadata.uid);
      },
      providerCredential: (ns, name, key) => values.get(`${ns}/${name}/${key}`),
      ...(this.gatewayContent ? { gatewayContent: this.gatewayContent } : {}),
      ...(this.gatewayLimits ? { gatewayLimits: this.gatewayLimits } : {}),
      keyHistory: (rk) => {
        const secret = rk.spec.secretName
          ? caches.managedSecrets.get(rk.spec.secretName, rk.metadata.namespace)
          : undefined;
        if (!isOwnedSecret(secret, rk.metadata.uid)) return undefined;
        const at = rotatedAt(secret);
        const previous = previousKeyOf(secret);
        const next = dueRotation(rk.spec.rotation, secret)?.at;
        return {
          ...(at === undefined ? {} : { rotatedAt: at }),
          ...(previous ? { previous } : {}),
          ...(next === undefined ? {} : { nextRotationAt: next }),
        };
      },
      now: new Date(),
    });
    if (result.wakeAt !== undefined) this.wakeups.at(CONFIG_KEY, result.wakeAt);
    const outcome = await this.configWriter.write(result.draft);
    this.reportEnvelopes();
    // Status writes below are not counted: they are I/O, and do not delay the next config.
    this.lastConfigMs = Date.now() - this.lastConfigAt;
    if (outcome !== "unchanged") {
      const msg =
        outcome === "rewrapped"
          ? "gateway config re-wrapped under the current key"
          : "gateway config written";
      this.log.info(msg, {
        keys: result.draft.keys.length,
        policies: Object.keys(result.draft.policies).length,
        providers: Object.keys(result.draft.providers).length,
      });
    }
    // Statuses go out under their own key: the next config need not wait for thousands of
    // status writes, and while they run only the newest compile's statuses are kept.
    this.statusesToWrite = {
      result,
      invalid: [
        ...policies.invalid.map((i) => ({ kind: "Policy" as const, ...i })),
        ...providerKeys.invalid.map((i) => ({ kind: "ProviderKey" as const, ...i })),
        ...relayKeys.invalid.map((i) => ({ kind: "RelayKey" as const, ...i })),
      ],
    };
    this.queue.add(STATUS_KEY);
  }

  /** Not awaited: the audit never holds up a config (its first look reads the table's history). */
  private observeForAudit(
    caches: OperatorCaches,
    refs: readonly SecretValueRef[],
    found: ReadonlyMap<string, ReadSecretMeta>,
    values: ReadonlyMap<string, SecretValue>,
  ): void {
    const audit = this.audit;
    if (!audit) return;
    const snapshot = auditSnapshot({
      relayKeys: caches.relayKeys.list(),
      policies: caches.policies.list(),
      providerKeys: caches.providerKeys.list(),
      ownedSecret: (rk) => {
        const name = (rk as { spec?: { secretName?: unknown } }).spec?.secretName;
        const secret =
          typeof name === "string" ? caches.managedSecrets.get(name, rk.metadata?.namespace) : undefined;
        return isOwnedSecret(secret, rk.metadata?.uid) ? secret : undefined;
      },
      secretsRead: new Set(refs.filter((r) => r.use === "credential").map((r) => `${r.namespace}/${r.name}`)),
      secretsFound: found,
      values,
      fingerprint: audit.fingerprint,
    });
    audit.observe(snapshot).catch((err: unknown) => this.log.warn("audit look failed", { error: err }));
  }

  private async writeLatestStatuses(): Promise<void> {
    const latest = this.statusesToWrite;
    this.statusesToWrite = undefined;
    if (!latest) return;
    try {
      await this.writeStatuses(latest.result, latest.invalid);
    } catch (err) {
      // Retried by the queue: with these statuses, unless a newer compile has replaced them.
      this.statusesToWrite ??= latest;
      throw err;
    }
  }

  private async writeStatuses(
    result: CompileResult,
    invalid: Array<{ kind: CustomKind; obj: KubernetesObject; message: string }>,
  ): Promise<void> {
    const caches = this.requireCaches();
    const failures: string[] = [];
    const write = async (
      kind: CustomKind,
      obj: KubernetesObject,
      conds: CompileResult["conditions"] extends Map<string, infer C> ? C : never,
      extra = {},
    ) => {
      try {
        const wrote = await this.statuses.write({ kind, plural: plurals[kind], obj }, conds, extra);
        const warning = wrote ? readyTurnedFalse(currentReady(obj), conds) : undefined;
        if (warning) await this.events?.record(kind, obj, warning);
      } catch (err) {
        failures.push(`${kind}/${obj.metadata?.namespace}/${obj.metadata?.name}: ${apiErrorMessage(err)}`);
      }
    };
    const writes: Array<() => Promise<void>> = [];
    for (const i of invalid) writes.push(() => write(i.kind, i.obj, refused(i.message)));
    const sources = { RelayKey: caches.relayKeys, Policy: caches.policies, ProviderKey: caches.providerKeys };
    for (const [key, conds] of result.conditions) {
      const [kind, namespace = "", name = ""] = key.split("/") as [CustomKind, string, string];
      const obj = sources[kind].get(name, namespace);
      if (!obj) continue;
      const id = `${namespace}/${name}`;
      const conflict = kind === "RelayKey" ? this.secretConflicts.get(id) : undefined;
      const finalConds = conflict
        ? [
            accepted,
            ...conds.filter((c) => c.type !== "Ready"),
            { type: "Ready", status: "False" as const, reason: "SecretConflict", message: conflict },
          ]
        : [accepted, ...conds];
      const extra = kind === "RelayKey" ? { ...result.relayKeyFacts.get(id) } : {};
      writes.push(() => write(kind, obj, finalConds, extra));
    }
    // Objects are independent; with thousands of RelayKeys, one write at a time is the bottleneck.
    await forEachLimit(writes, STATUS_WRITE_CONCURRENCY, (w) => w());
    // Statuses are retried as a whole; the config above is already consistent.
    if (failures.length > 0) throw new Error(`status writes failed: ${failures.join("; ")}`);
    void objectId;
  }
}
