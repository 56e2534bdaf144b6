/**
 * The help text for the key environment variables that keys-from-env.ts reads. Its own module:
 * a command's usage must not load the KMS SDK.
 */
export const keyEnvUsage = `KUBERELAY_MASTER_KEY (base64, 32 bytes) and/or KUBERELAY_KMS_KEY_ID (+ AWS_REGION, optional KUBERELAY_KMS_ENDPOINT);
     KUBERELAY_MASTER_KEY_PREVIOUS / KUBERELAY_KMS_KEY_ID_PREVIOUS (comma-separated) during a rotation`;
