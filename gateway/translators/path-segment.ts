import { hasControlCharacter } from "../control-characters.js";
import { badRequest, GatewayError } from "../errors.js";

/**
 * Why a value cannot be one segment of an upstream URL path, or undefined when it can.
 * Dot segments move the path up (with the credential attached); slashes, backslashes and
 * percent signs become, or decode into, separators and dot segments at some hop.
 */
export function segmentProblem(value: string): string | undefined {
  if (value === "") return "is empty";
  if (value === "." || value === "..") return "is a dot segment";
  if (value.includes("/")) return "contains '/'";
  if (value.includes("\\")) return "contains '\\'";
  // Percent-encoded dots and slashes would be decoded by some server on the way.
  if (value.includes("%")) return "contains '%'";
  if (hasControlCharacter(value)) return "contains a control character";
  return undefined;
}

/** A caller-chosen value (a model or deployment name) as one encoded path segment; a 400 otherwise. */
export function callerSegment(value: string, param: string): string {
  const problem = segmentProblem(value);
  if (problem) throw badRequest(`${param} cannot be sent upstream: it ${problem}`, param);
  return encodeURIComponent(value);
}

/** A value from a ProviderKey or its credential (Vertex project, region) as one encoded path segment. */
export function configSegment(value: string, providerId: string, field: string): string {
  const problem = segmentProblem(value);
  if (problem)
    throw new GatewayError(
      "internal",
      `ProviderKey ${providerId}: ${field} cannot be used in a URL: it ${problem}`,
    );
  return encodeURIComponent(value);
}

/** A cloud region as it appears inside a host name (`bedrock-runtime.{region}.amazonaws.com`). */
export function regionLabel(region: string, providerId: string): string {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(region))
    throw new GatewayError(
      "internal",
      `ProviderKey ${providerId}: region must be lower-case letters, digits and dashes`,
    );
  return region;
}
