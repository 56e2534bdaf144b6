import { createHash } from "node:crypto";
import { z } from "zod";
import { type BedrockSigner, createBedrockSigner } from "../aws/sigv4-signer.js";
import { GatewayError } from "../errors.js";
import type { RuntimeProvider } from "../snapshot.js";

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
  const fingerprint = createHash("sha256")
    .update(provider.credential ?? "ambient")
    .digest("hex");
  const cacheKey = `${provider.id}|${region}|${fingerprint}`;
  const cached = signers.get(cacheKey);
  if (cached) return cached;
  let credentials: z.infer<typeof awsCredentialsSchema> | undefined;
  if (provider.credential !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(provider.credential);
    } catch {
      parsed = undefined;
    }
    const result = awsCredentialsSchema.safeParse(parsed);
    if (!result.success) {
      // Never echo the value: say only what shape was expected.
      throw new GatewayError(
        "internal",
        `ProviderKey ${provider.id}: the credential must be JSON {"accessKeyId","secretAccessKey","sessionToken"?}`,
      );
    }
    credentials = result.data;
  }
  if (signers.size >= MAX_SIGNERS) signers.clear();
  const signer = createBedrockSigner({ region, ...(credentials ? { credentials } : {}) });
  signers.set(cacheKey, signer);
  return signer;
}
