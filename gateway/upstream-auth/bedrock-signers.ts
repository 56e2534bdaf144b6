import { z } from "zod";
import { type BedrockSigner, createBedrockSigner } from "../aws/sigv4-signer.js";
import { GatewayError } from "../errors.js";
import type { RuntimeProvider } from "../snapshot.js";
import { credentialCacheKey, credentialJson } from "./credential-json.js";

/** A Bedrock ProviderKey's Secret value: static AWS credentials as JSON. */
const awsCredentialsSchema = z.object({
  accessKeyId: z.string().min(16),
  secretAccessKey: z.string().min(16),
  sessionToken: z.string().optional(),
});

const signers = new Map<string, BedrockSigner>();
const MAX_SIGNERS = 256;

/**
 * One signer per provider and credential, kept across requests: the ambient chain caches
 * and refreshes temporary credentials (IRSA) inside it. A changed credential gets a new one.
 */
export function signerFor(provider: RuntimeProvider): BedrockSigner {
  const region = provider.region;
  if (!region) throw new GatewayError("internal", `ProviderKey ${provider.id} has no region`);
  const cacheKey = credentialCacheKey(provider, region);
  const cached = signers.get(cacheKey);
  if (cached) return cached;
  const credentials =
    provider.credential === undefined
      ? undefined
      : credentialJson(
          provider,
          provider.credential,
          awsCredentialsSchema,
          'JSON {"accessKeyId","secretAccessKey","sessionToken"?}',
        );
  if (signers.size >= MAX_SIGNERS) signers.clear();
  const signer = createBedrockSigner({ region, ...(credentials ? { credentials } : {}) });
  signers.set(cacheKey, signer);
  return signer;
}
