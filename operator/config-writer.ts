import { createHash } from "node:crypto";
import {
  CoreV1Api,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1Secret,
} from "@kubernetes/client-node";
import { decodeConfig, encodeConfig } from "../common/config/config-codec.js";
import type { GatewayConfig } from "../common/config/gateway-config.js";
import { type KeyEncryptionKey, type KeySource, open } from "../common/crypto/envelope.js";
import type { KeyRing } from "../common/crypto/key-ring.js";
import { isNotFound } from "../common/kube/api-error.js";
import { CONFIG_SECRET_KEY, FIELD_MANAGER, GROUP, LABEL_MANAGED_BY, MANAGED_BY } from "../common/names.js";
import { stableStringify } from "../common/stable-json.js";
import type { DraftConfig, DraftProvider } from "./compile.js";
import { rewrapConfig, staleKekIds } from "./rewrap-config.js";
import { type SealedConfig, sealDraftKeeping } from "./seal-keeping.js";

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

/**
 * Writes the compiled config Secret when, and only when, its content changed. Sealing is
 * randomised, so "changed" is decided on the unsealed document, not on the bytes.
 */
export class ConfigWriter {
  private readonly core: CoreV1Api;
  private lastWritten: ({ resourceVersion: string; canonical: string } & SealedConfig) | undefined;

  constructor(
    kc: KubeConfig,
    private readonly keys: KeyRing,
    private readonly namespace: string,
    private readonly name: string,
  ) {
    this.core = kc.makeApiClient(CoreV1Api);
  }

  /** The current content: canonical for comparing, sealed for keeping or re-wrapping envelopes. */
  private async current(): Promise<({ canonical: string } & SealedConfig) | undefined> {
    let secret: V1Secret;
    try {
      secret = await this.core.readNamespacedSecret({ name: this.name, namespace: this.namespace });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    const rv = secret.metadata?.resourceVersion ?? "";
    if (this.lastWritten?.resourceVersion === rv) return this.lastWritten;
    const data = secret.data?.[CONFIG_SECRET_KEY];
    if (!data) return undefined;
    try {
      const sealed = decodeConfig(Buffer.from(data, "base64"));
      const draft = await unsealConfig(sealed, this.keys);
      return { canonical: stableStringify(draft), sealed, draft };
    } catch {
      // Unreadable (corrupt, or sealed by another master key): overwrite it with a good one.
      return undefined;
    }
  }

  async write(draft: DraftConfig): Promise<WriteOutcome> {
    const canonical = stableStringify(draft);
    const current = await this.current();
    let config: GatewayConfig;
    if (current?.canonical === canonical) {
      if (staleKekIds(current.sealed, this.keys).length === 0) return "unchanged";
      config = await rewrapConfig(current.sealed, this.keys);
    } else {
      config = await sealDraftKeeping(draft, this.keys.current, current);
    }
    const bytes = encodeConfig(config);
    const hash = createHash("sha256").update(bytes).digest("hex").slice(0, 16);
    const body: V1Secret = {
      apiVersion: "v1",
      kind: "Secret",
      type: "Opaque",
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: { [LABEL_MANAGED_BY]: MANAGED_BY, "app.kubernetes.io/component": "gateway-config" },
        annotations: { [ANNOTATION_CONFIG_HASH]: hash },
      },
      data: { [CONFIG_SECRET_KEY]: bytes.toString("base64") },
    };
    const written = await this.core.patchNamespacedSecret(
      { name: this.name, namespace: this.namespace, body, fieldManager: FIELD_MANAGER, force: true },
      setHeaderOptions("Content-Type", PatchStrategy.ServerSideApply),
    );
    this.lastWritten = {
      resourceVersion: written.metadata?.resourceVersion ?? "",
      canonical,
      sealed: config,
      draft,
    };
    return current?.canonical === canonical ? "rewrapped" : "written";
  }
}
