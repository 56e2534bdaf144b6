import { GROUP } from "../common/names.js";

/** Comma-separated container names to inject; the only way to reach init containers. */
export const ANNOTATION_CONTAINERS = `${GROUP}/containers`;
