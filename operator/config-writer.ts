import { createHash } from "node:crypto";
import {
  CoreV1Api,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1Secret,
} from "@kubernetes/client-node";
import { decodeConfig, encodeConfig } from "../common/config/config-codec.js";
import { CONFIG_VERSION, type GatewayConfig } from "../common/config/gateway-config.js";
import { type KeyEncryptionKey, open, seal } from "../common/crypto/envelope.js";
import { isNotFound } from "../common/kube/api-error.js";
import { CONFIG_SECRET_KEY, FIELD_MANAGER, GROUP, LABEL_MANAGED_BY, MANAGED_BY } from "../common/names.js";
import { stableStringify } from "../common/stable-json.js";
import type { DraftConfig, DraftProvider } from "./compile.js";

export const ANNOTATION_CONFIG_HASH = `${GROUP}/config-hash`;

export async function sealDraft(draft: DraftConfig, kek: KeyEncryptionKey): Promise<GatewayConfig> {
  const providers: GatewayConfig["providers"] = {};
  for (const [id, p] of Object.entries(draft.providers)) {
    const { credential, ...rest } = p;
    providers[id] =
      credential === undefined ? rest : { ...rest, credential: await seal(kek, credential, id) };
  }
  return { version: CONFIG_VERSION, keys: draft.keys, policies: draft.policies, providers };
}

export async function unsealConfig(config: GatewayConfig, kek: KeyEncryptionKey): Promise<DraftConfig> {
  const providers: Record<string, DraftProvider> = {};
  for (const [id, p] of Object.entries(config.providers)) {
    const { credential, ...rest } = p;
    providers[id] =
      credential === undefined ? rest : { ...rest, credential: await open(kek, credential, id) };
  }
  return { keys: config.keys, policies: config.policies, providers };
}

export type WriteOutcome = "unchanged" | "written";

/**
 * Writes the compiled config Secret when, and only when, its content changed. Sealing is
 * randomised, so "changed" is decided on the unsealed document, not on the bytes.
 */
export class ConfigWriter {
  private readonly core: CoreV1Api;
  private lastWritten: { resourceVersion: string; canonical: string } | undefined;

  constructor(
    kc: KubeConfig,
    private readonly kek: KeyEncryptionKey,
    private readonly namespace: string,
    private readonly name: string,
  ) {
    this.core = kc.makeApiClient(CoreV1Api);
  }

  private async current(): Promise<string | undefined> {
    let secret: V1Secret;
    try {
      secret = await this.core.readNamespacedSecret({ name: this.name, namespace: this.namespace });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    const rv = secret.metadata?.resourceVersion ?? "";
    if (this.lastWritten?.resourceVersion === rv) return this.lastWritten.canonical;
    const data = secret.data?.[CONFIG_SECRET_KEY];
    if (!data) return undefined;
    try {
      return stableStringify(await unsealConfig(decodeConfig(Buffer.from(data, "base64")), this.kek));
    } catch {
      // Unreadable (corrupt, or sealed by another master key): overwrite it with a good one.
      return undefined;
    }
  }

  async write(draft: DraftConfig): Promise<WriteOutcome> {
    const canonical = stableStringify(draft);
    if ((await this.current()) === canonical) return "unchanged";
    const bytes = encodeConfig(await sealDraft(draft, this.kek));
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
    this.lastWritten = { resourceVersion: written.metadata?.resourceVersion ?? "", canonical };
    return "written";
  }
}
