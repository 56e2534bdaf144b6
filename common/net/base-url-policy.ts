import { isIP } from "node:net";
import { isPrivateNetworkURL } from "./private-address.js";

export interface NetworkPolicySpec {
  baseURL?: string | undefined;
  allowPrivateNetwork?: boolean | undefined;
  allowInsecureHttp?: boolean | undefined;
}

/** Why a ProviderKey's baseURL is refused, as a condition reason and message. */
export interface BaseURLRefusal {
  reason: "PrivateNetwork" | "InsecureHttp";
  message: string;
}

/**
 * What the operator can tell from a baseURL's text: a private host needs allowPrivateNetwork,
 * plain http to a public host needs allowInsecureHttp. A host name is judged again by the
 * addresses it resolves to when the gateway connects (gateway/pipeline/upstream-request.ts).
 */
export function baseURLRefusal(spec: NetworkPolicySpec): BaseURLRefusal | undefined {
  const { baseURL } = spec;
  if (baseURL === undefined) return undefined;
  const privateHost = isPrivateNetworkURL(baseURL);
  if (privateHost && spec.allowPrivateNetwork !== true) {
    return {
      reason: "PrivateNetwork",
      message:
        "baseURL points at a loopback, private or link-local address; set allowPrivateNetwork to allow it",
    };
  }
  if (!URL.canParse(baseURL) || new URL(baseURL).protocol !== "http:" || spec.allowInsecureHttp === true) {
    return undefined;
  }
  const host = new URL(baseURL).hostname.replace(/^\[|\]$/g, "");
  // A public address literal is public for certain; a name may still resolve to a private one.
  const publicLiteral = isIP(host) !== 0 && !privateHost;
  if (spec.allowPrivateNetwork !== true || publicLiteral) {
    return {
      reason: "InsecureHttp",
      message:
        "baseURL is plain http to a public address; use https, or set allowInsecureHttp to send the credential unencrypted",
    };
  }
  return undefined;
}
