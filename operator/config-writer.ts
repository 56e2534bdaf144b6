import {
  CoreV1Api,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1OwnerReference,
  type V1Secret,
} from "@kubernetes/client-node";
import { decodeConfig, encodeConfig } from "../common/config/config-codec.js";
import {
  allShardSecretNames,
  configBytesFromSecret,
  DEFAULT_SHARD_BYTES,
  otherSlot,
  parseManifest,
  planShards,
  type ShardSlot,
  sha256Hex,
  staleShardNames,
} from "../common/config/config-shards.js";
import type { GatewayConfig } from "../common/config/gateway-config.js";
import { type KeyEncryptionKey, type KeySource, open } from "../common/crypto/envelope.js";
import type { KeyRing } from "../common/crypto/key-ring.js";
import { apiErrorMessage, isNotFound } from "../common/kube/api-error.js";
import type { Logger } from "../common/log.js";
import {
  CONFIG_MANIFEST_KEY,
  CONFIG_SECRET_KEY,
  CONFIG_SHARD_KEY,
  FIELD_MANAGER,
  GROUP,
  LABEL_MANAGED_BY,
  MANAGED_BY,
} from "../common/names.js";
import { stableStringify } from "../common/stable-json.js";
import type { DraftConfig, DraftProvider } from "./compile.js";
import { rewrapConfig, staleKekIds } from "./rewrap-config.js";
import { type SealedConfig, sealDraftKeeping } from "./seal-keeping.js";
import { hasOwner, withOwner } from "./secret-owner.js";

export const ANNOTATION_CONFIG_HASH = `${GROUP}/config-hash`;

export async function sealDraft(draft: DraftConfig, kek: KeyEncryptionKey): Promise<GatewayConfig> {
  return sealDraftKeeping(draft, kek, undefined);
}

export async function unsealConfig(
  config: GatewayConfig,
  kek: KeyEncryptionKey | KeySource,
): Promise<DraftConfig> {
  const providers: Record<string, DraftProvider> = {};
  for (const [id, p] of Object.entries(config.providers)) {
    const { credential, ...rest } = p;
    providers[id] =
      credential === undefined ? rest : { ...rest, credential: await open(kek, credential, id) };
  }
  return { keys: config.keys, policies: config.policies, providers };
}

/** `rewrapped`: same content, re-written only to move envelopes to the current KEK. */
export type WriteOutcome = "unchanged" | "written" | "rewrapped";

interface CurrentConfig {
  /** The unsealed document, canonical; undefined when missing or unreadable. */
  canonical?: string;
  /** The shard slot the current manifest names, if the config is sharded. */
  slot?: ShardSlot;
  /** The shard Secrets the current manifest names. */
  shardNames?: string[];
  /** The sealed document and its draft: to keep unchanged envelopes, or re-wrap old ones. */
  sealed?: SealedConfig;
}

export interface ConfigWriterTarget {
  namespace: string;
  /** The config Secret; its shards are named after it. */
  name: string;
  /** Largest compressed config kept in one Secret (default DEFAULT_SHARD_BYTES). */
  shardBytes?: number;
  /** Put on every Secret written, so they go with it (secret-owner.ts); none when undefined. */
  owner?: V1OwnerReference;
}

/**
 * Writes the compiled config Secret when, and only when, its content changed. Sealing is
 * randomised, so "changed" is decided on the unsealed document, not on the bytes. A config
 * too large for one Secret goes into shard Secrets first and the manifest last (see
 * config-shards.ts), so readers never see a half-written generation.
 */
export class ConfigWriter {
  private readonly core: CoreV1Api;
  private lastWritten: { resourceVersion: string; current: CurrentConfig } | undefined;
  /** The sealed config the Secret holds after the last write() (written, or found unchanged). */
  private live: GatewayConfig | undefined;
  private readonly namespace: string;
  private readonly name: string;
  private readonly shardBytes: number;
  private readonly owner: V1OwnerReference | undefined;
  /** Whether the Secrets found at start all carry `owner` (see adoptOnce). */
  private adopted = false;

  constructor(
    kc: KubeConfig,
    private readonly log: Logger,
    private readonly keys: KeyRing,
    target: ConfigWriterTarget,
  ) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.namespace = target.namespace;
    this.name = target.name;
    this.shardBytes = target.shardBytes ?? DEFAULT_SHARD_BYTES;
    this.owner = target.owner;
  }

  private async readSecret(name: string): Promise<V1Secret | undefined> {
    try {
      return await this.core.readNamespacedSecret({ name, namespace: this.namespace });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  private async current(): Promise<CurrentConfig> {
    const secret = await this.readSecret(this.name);
    if (!secret) return {};
    const rv = secret.metadata?.resourceVersion ?? "";
    if (this.lastWritten?.resourceVersion === rv) return this.lastWritten.current;
    const manifest = secret.data?.[CONFIG_MANIFEST_KEY];
    let shards: Pick<CurrentConfig, "slot" | "shardNames"> = {};
    try {
      if (manifest) {
        const parsed = parseManifest(manifest);
        shards = { slot: parsed.slot, shardNames: parsed.shards.map((s) => s.name) };
      }
      const bytes = await configBytesFromSecret(secret.data, async (n) => (await this.readSecret(n))?.data);
      if (!bytes) return shards;
      const sealed = decodeConfig(bytes);
      const draft = await unsealConfig(sealed, this.keys);
      return { canonical: stableStringify(draft), sealed: { sealed, draft }, ...shards };
    } catch {
      // Unreadable (corrupt, or sealed by another master key): overwrite it with a good one.
      return shards;
    }
  }

  private async apply(name: string, component: string, data: Record<string, string>, hash: string) {
    const body: V1Secret = {
      apiVersion: "v1",
      kind: "Secret",
      type: "Opaque",
      metadata: {
        name,
        namespace: this.namespace,
        labels: { [LABEL_MANAGED_BY]: MANAGED_BY, "app.kubernetes.io/component": component },
        annotations: { [ANNOTATION_CONFIG_HASH]: hash },
        ...(this.owner ? { ownerReferences: [this.owner] } : {}),
      },
      data,
    };
    return this.core.patchNamespacedSecret(
      { name, namespace: this.namespace, body, fieldManager: FIELD_MANAGER, force: true },
      setHeaderOptions("Content-Type", PatchStrategy.ServerSideApply),
    );
  }

  async write(draft: DraftConfig): Promise<WriteOutcome> {
    const outcome = await this.writeConfig(draft);
    await this.adoptOnce();
    return outcome;
  }

  private async writeConfig(draft: DraftConfig): Promise<WriteOutcome> {
    const canonical = stableStringify(draft);
    const current = await this.current();
    let config: GatewayConfig;
    const rewrapping = current.canonical === canonical;
    if (rewrapping) {
      if (!current.sealed || staleKekIds(current.sealed.sealed, this.keys).length === 0) {
        this.live = current.sealed?.sealed;
        return "unchanged";
      }
      config = await rewrapConfig(current.sealed.sealed, this.keys);
    } else {
      config = await sealDraftKeeping(draft, this.keys.current, current.sealed);
    }
    const bytes = encodeConfig(config);
    const hash = sha256Hex(bytes).slice(0, 16);
    let data: Record<string, string>;
    let slot: ShardSlot | undefined;
    let shardNames: string[] = [];
    if (bytes.length <= this.shardBytes) {
      data = { [CONFIG_SECRET_KEY]: bytes.toString("base64") };
    } else {
      // Into the slot the live manifest does not name: what gateways may be reading stays intact.
      slot = otherSlot(current.slot);
      const plan = planShards(this.name, bytes, slot, this.shardBytes);
      for (const shard of plan.shards) {
        await this.apply(
          shard.name,
          SHARD_COMPONENT,
          { [CONFIG_SHARD_KEY]: shard.bytes.toString("base64") },
          hash,
        );
      }
      data = { [CONFIG_MANIFEST_KEY]: Buffer.from(JSON.stringify(plan.manifest)).toString("base64") };
      shardNames = plan.shards.map((s) => s.name);
    }
    const written = await this.apply(this.name, "gateway-config", data, hash);
    this.lastWritten = {
      resourceVersion: written.metadata?.resourceVersion ?? "",
      current: {
        canonical,
        sealed: { sealed: config, draft },
        ...(slot ? { slot, shardNames } : {}),
      },
    };
    this.live = config;
    await this.deleteStaleShards(new Set([...shardNames, ...(current.shardNames ?? [])]));
    return rewrapping ? "rewrapped" : "written";
  }

  /**
   * How many provider credentials the live config seals under each KEK id. A key rotation is
   * complete (at the operator) when only the current id is left.
   */
  envelopesByKek(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const p of Object.values(this.live?.providers ?? {})) {
      if (p.credential) counts[p.credential.kek] = (counts[p.credential.kek] ?? 0) + 1;
    }
    return counts;
  }

  /**
   * After the manifest flips: shards of a generation older than the one just replaced, or
   * beyond the count the new one needs, are never read again. The config is already written,
   * so a failure here is only logged; the next write tries again.
   */
  private async deleteStaleShards(keep: ReadonlySet<string>): Promise<void> {
    try {
      const existing = await this.core.listNamespacedSecret({
        namespace: this.namespace,
        labelSelector: SHARD_SELECTOR,
      });
      const names = existing.items.map((s) => s.metadata?.name ?? "");
      const stale = staleShardNames(this.name, names, keep);
      for (const name of stale) {
        try {
          await this.core.deleteNamespacedSecret({ name, namespace: this.namespace });
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
      if (stale.length > 0) this.log.info("stale config shards deleted", { shards: stale });
    } catch (err) {
      this.log.warn("stale config shards not deleted; the next write tries again", {
        error: apiErrorMessage(err),
      });
    }
  }

  /**
   * Secrets written before the owner was set (by an older operator) get it added, their data
   * untouched, so that they too go with the owner. Once per process: whatever is written after
   * this carries the owner already. A failure is only logged; the next write tries again.
   */
  private async adoptOnce(): Promise<void> {
    const owner = this.owner;
    if (!owner || this.adopted) return;
    try {
      const ours = new Set([this.name, ...allShardSecretNames(this.name)]);
      const [main, shards] = await Promise.all([
        this.readSecret(this.name),
        this.core.listNamespacedSecret({ namespace: this.namespace, labelSelector: SHARD_SELECTOR }),
      ]);
      const unowned = [...(main ? [main] : []), ...shards.items].filter(
        (s) => ours.has(s.metadata?.name ?? "") && !hasOwner(s.metadata, owner),
      );
      for (const secret of unowned) {
        const name = secret.metadata?.name ?? "";
        // A replace of the Secret as read, guarded by its resourceVersion: only the owner changes.
        const metadata = {
          ...secret.metadata,
          ownerReferences: withOwner(secret.metadata?.ownerReferences, owner),
        };
        delete metadata.managedFields;
        await this.core.replaceNamespacedSecret({
          name,
          namespace: this.namespace,
          body: { ...secret, metadata },
          fieldManager: FIELD_MANAGER,
        });
      }
      if (unowned.length > 0) {
        this.log.info("config Secrets given their owner", {
          secrets: unowned.map((s) => s.metadata?.name),
          owner: `${owner.kind}/${owner.name}`,
        });
      }
      this.adopted = true;
    } catch (err) {
      this.log.warn("config Secrets not given their owner; the next write tries again", {
        error: apiErrorMessage(err),
      });
    }
  }
}

const SHARD_COMPONENT = "gateway-config-shard";
const SHARD_SELECTOR = `${LABEL_MANAGED_BY}=${MANAGED_BY},app.kubernetes.io/component=${SHARD_COMPONENT}`;
