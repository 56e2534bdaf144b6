import { GROUP } from "../common/names.js";

/** Namespace label that opts every Pod in the namespace in, unless the Pod opts out. */
export const LABEL_INJECT = `${GROUP}/inject`;
export const LABEL_INJECT_ENABLED = "enabled";
/** Comma-separated container names to inject; the only way to reach init containers. */
export const ANNOTATION_CONTAINERS = `${GROUP}/containers`;
/** Set by the kubelet on static Pods' API mirrors, which the kubelet alone writes: never mutate them. */
export const ANNOTATION_MIRROR = "kubernetes.io/config.mirror";
