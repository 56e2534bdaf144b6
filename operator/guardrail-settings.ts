import type { CompiledPolicy } from "../common/config/gateway-config.js";
import type { GuardrailsSpec } from "../common/schemas/guardrails.js";
import { piiTypes } from "../common/schemas/guardrails.js";

type CompiledGuardrails = NonNullable<CompiledPolicy["guardrails"]>;

/**
 * What a Policy's guardrails come to, type by type: `pii` for every type, `piiTypes` over it,
 * `secrets` or else the deprecated `blockSecrets`. Undefined when nothing is checked.
 */
export function guardrailSettings(spec: GuardrailsSpec | undefined): CompiledGuardrails | undefined {
  if (!spec) return undefined;
  const pii: NonNullable<CompiledGuardrails["pii"]> = {};
  for (const type of piiTypes) {
    const action = spec.piiTypes?.[type] ?? spec.pii;
    if (action !== "off") pii[type] = action;
  }
  const secrets = spec.secrets ?? (spec.blockSecrets ? "block" : "off");
  const custom = spec.custom ?? [];
  if (Object.keys(pii).length === 0 && secrets === "off" && custom.length === 0) return undefined;
  return {
    ...(Object.keys(pii).length > 0 ? { pii } : {}),
    ...(secrets === "off" ? {} : { secrets }),
    ...(custom.length > 0 ? { custom } : {}),
    ...(spec.answers ? { answers: true as const } : {}),
  };
}
