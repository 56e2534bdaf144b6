import { policyDefinition } from "./policy.js";
import { providerKeyDefinition } from "./provider-key.js";
import { relayKeyDefinition } from "./relay-key.js";
import type { ResourceDefinition } from "./resource-definition.js";

export const allResources: readonly ResourceDefinition[] = [
  providerKeyDefinition,
  policyDefinition,
  relayKeyDefinition,
];
