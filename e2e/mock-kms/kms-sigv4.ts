import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import { parseAmzDate, parseAuthorization } from "../mock-provider/bedrock-sigv4.js";
import {
  incompleteSignature,
  invalidSignature,
  type KmsError,
  missingAuthentication,
  signatureMismatch,
  unrecognizedClient,
} from "./kms-errors.js";

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Uint8Array;
}

/** Who signed: the access key id is the principal the key policy speaks of. */
export type KmsSigV4Verdict = { ok: true; accessKeyId: string } | { ok: false; error: KmsError };

const SERVICE = "kms";
const MAX_SKEW_MS = 5 * 60_000;
const Sha256 = Hash.bind(null, "sha256");

const single = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(",") : v);

/**
 * The same checks as the mock Bedrock runtime (see ../mock-provider/bedrock-sigv4.ts), for the
 * `kms` service and several principals: known access key, scope, clock, body hash, then the
 * signature recomputed over the request as received with that key's secret.
 */
export async function verifyKmsSigV4(
  request: ReceivedRequest,
  secrets: ReadonlyMap<string, string>,
  region: string,
  now: Date,
): Promise<KmsSigV4Verdict> {
  const fail = (error: KmsError): KmsSigV4Verdict => ({ ok: false, error });
  const header = single(request.headers.authorization);
  if (header === undefined) return fail(missingAuthentication());
  const parsed = parseAuthorization(header);
  if ("error" in parsed) return fail(parsed.error);
  const secret = secrets.get(parsed.accessKeyId);
  if (secret === undefined) return fail(unrecognizedClient());
  const amzDate = single(request.headers["x-amz-date"]);
  const signingDate = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (amzDate === undefined || signingDate === undefined) {
    return fail(
      incompleteSignature("Authorization header requires existence of a valid 'X-Amz-Date' header."),
    );
  }
  const problem = requestProblem(request, parsed, amzDate, signingDate, region, now);
  if (problem) return fail(problem);
  const signer = new SignatureV4({
    service: SERVICE,
    region,
    credentials: { accessKeyId: parsed.accessKeyId, secretAccessKey: secret },
    sha256: Sha256,
    uriEscapePath: true,
    applyChecksum: false,
  });
  const headers: Record<string, string> = {};
  for (const name of parsed.signedHeaders) {
    const value = single(request.headers[name]);
    if (value !== undefined) headers[name] = value;
  }
  const [path = "/"] = request.url.split("?", 1);
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: "http:",
      hostname: headers.host ?? "",
      path,
      query: {},
      headers,
      body: request.body,
    },
    { signingDate, signableHeaders: new Set(parsed.signedHeaders) },
  );
  const expected = Buffer.from(/Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization))?.[1] ?? "");
  const presented = Buffer.from(parsed.signature);
  return expected.length === presented.length && timingSafeEqual(expected, presented)
    ? { ok: true, accessKeyId: parsed.accessKeyId }
    : fail(signatureMismatch());
}

/** Scope, signed headers, clock and body hash: everything checked before the signature itself. */
function requestProblem(
  request: ReceivedRequest,
  parsed: { day: string; region: string; service: string; signedHeaders: string[] },
  amzDate: string,
  signingDate: Date,
  region: string,
  now: Date,
): KmsError | undefined {
  if (parsed.day !== amzDate.slice(0, 8))
    return invalidSignature("Date in Credential scope does not match X-Amz-Date.");
  if (parsed.region !== region) return invalidSignature("Credential should be scoped to a valid region.");
  if (parsed.service !== SERVICE)
    return invalidSignature(`Credential should be scoped to correct service: '${SERVICE}'.`);
  if (!parsed.signedHeaders.includes("host") || !parsed.signedHeaders.includes("x-amz-date")) {
    return invalidSignature("'Host' and 'X-Amz-Date' must be SignedHeaders in the AWS Authorization.");
  }
  if (Math.abs(signingDate.getTime() - now.getTime()) > MAX_SKEW_MS) {
    return invalidSignature(`Signature expired or not yet current: ${amzDate}`);
  }
  const declared = single(request.headers["x-amz-content-sha256"]);
  if (declared !== undefined && declared !== createHash("sha256").update(request.body).digest("hex")) {
    return signatureMismatch();
  }
  return undefined;
}
