import type {
  CompiledKey,
  CompiledPolicy,
  CompiledProvider,
  GatewayConfig,
} from "../common/config/gateway-config.js";
import { type KeyEncryptionKey, type KeySource, open } from "../common/crypto/envelope.js";
import type { ProviderName } from "../common/schemas/provider-key.js";

export interface RuntimeProvider {
  id: string;
  provider: ProviderName;
  baseURL: string | undefined;
  /** Upstream connections may go to loopback, private and link-local addresses. */
  allowPrivateNetwork?: boolean;
  /** Plain http upstream connections may go to public addresses. */
  allowInsecureHttp?: boolean;
  region: string | undefined;
  /** Plaintext provider credential: lives only in this process's memory. */
  credential: string | undefined;
  pricing?: CompiledProvider["pricing"];
  perNamespace?: CompiledProvider["perNamespace"];
}

/** An immutable, fully resolved view of one config generation; swapped whole. */
export interface Snapshot {
  generation: string;
  keys: ReadonlyMap<string, CompiledKey>;
  policies: ReadonlyMap<string, CompiledPolicy>;
  providers: ReadonlyMap<string, RuntimeProvider>;
}

export async function buildSnapshot(
  config: GatewayConfig,
  kek: KeyEncryptionKey | KeySource,
  generation: string,
): Promise<Snapshot> {
  const providers = new Map<string, RuntimeProvider>();
  for (const [id, p] of Object.entries(config.providers)) {
    providers.set(id, {
      id,
      provider: p.provider,
      baseURL: p.baseURL,
      ...(p.allowPrivateNetwork ? { allowPrivateNetwork: true } : {}),
      ...(p.allowInsecureHttp ? { allowInsecureHttp: true } : {}),
      region: p.region,
      credential: p.credential ? await open(kek, p.credential, id) : undefined,
      pricing: p.pricing,
      perNamespace: p.perNamespace,
    });
  }
  return {
    generation,
    keys: new Map(config.keys.map((k) => [k.hash, k])),
    policies: new Map(Object.entries(config.policies)),
    providers,
  };
}

/** Holds the current snapshot; readers take a reference once per request. */
export class SnapshotHolder {
  private value: Snapshot | undefined;

  /** `onSwap` reports each generation taken up (the served-generation metric). */
  constructor(private readonly onSwap?: (next: Snapshot) => void) {}

  get current(): Snapshot | undefined {
    return this.value;
  }

  swap(next: Snapshot): void {
    this.value = next;
    this.onSwap?.(next);
  }
}
