/** Names shared by the operator, the gateway and the webhook: the wire contract between them. */
export const GROUP = "kuberelay.dev";
export const VERSION = "v1alpha1";
export const API_VERSION = `${GROUP}/${VERSION}`;

/** Field manager for every server-side apply the operator makes. */
export const FIELD_MANAGER = "kuberelay-operator";

/** Data key, in a RelayKey's Secret, holding the relay key plaintext. */
export const RELAY_KEY_SECRET_KEY = "key";
/** Data key, in a RelayKey's Secret, holding the rotated-out key during its grace period. */
export const PREVIOUS_RELAY_KEY_SECRET_KEY = "previous-key";
/** On a RelayKey's Secret: when the current key was written (RFC 3339). */
export const ANNOTATION_KEY_ISSUED_AT = `${GROUP}/key-issued-at`;
/** On a RelayKey's Secret: the spec.rotation.requestedAt the current key answers. */
export const ANNOTATION_ROTATION_REQUESTED_AT = `${GROUP}/rotation-requested-at`;
/** On a RelayKey's Secret: when the previous key stops working (RFC 3339). */
export const ANNOTATION_PREVIOUS_KEY_EXPIRES_AT = `${GROUP}/previous-key-expires-at`;

export const LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
export const LABEL_RELAY_KEY = `${GROUP}/relay-key`;
export const MANAGED_BY = "kuberelay";

export const ANNOTATION_INJECT = `${GROUP}/inject`;
export const ANNOTATION_RELAY_KEY = `${GROUP}/relay-key`;
export const ANNOTATION_INJECTED = `${GROUP}/injected`;

/** Default name of the compiled gateway config Secret (in the operator's namespace). */
export const DEFAULT_CONFIG_SECRET = "kuberelay-gateway-config";
/** Data key, in the config Secret, holding the gzip-compressed JSON config. */
export const CONFIG_SECRET_KEY = "config.json.gz";
/** Data key, in a sharded config Secret, holding the manifest naming the shard Secrets. */
export const CONFIG_MANIFEST_KEY = "manifest.json";
/** Data key, in a shard Secret, holding one slice of the gzip-compressed config. */
export const CONFIG_SHARD_KEY = "shard";

/** Namespace label that opts every Pod in the namespace in to injection, unless the Pod opts out. */
export const LABEL_INJECT = `${GROUP}/inject`;
export const LABEL_INJECT_ENABLED = "enabled";
/** Set by the kubelet on static Pods' API mirrors, which the kubelet alone writes: never mutate them. */
export const ANNOTATION_MIRROR = "kubernetes.io/config.mirror";
