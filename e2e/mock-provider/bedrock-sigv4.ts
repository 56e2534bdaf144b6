import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import {
  type BedrockError,
  incompleteSignature,
  invalidSignature,
  missingAuthentication,
  signatureMismatch,
  unrecognizedClient,
} from "./bedrock-errors.js";

/** The one AWS identity the mock accepts. */
export interface BedrockCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** Set to accept only requests made with these temporary credentials. */
  sessionToken?: string;
}

/** The request exactly as it arrived: the signature covers the raw path, headers and bytes. */
export interface ReceivedRequest {
  method: string;
  /** Path and query string as sent, still percent-encoded. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Uint8Array;
}

export type SigV4Verdict = { ok: true; signature: string } | { ok: false; error: BedrockError };

interface ParsedAuthorization {
  accessKeyId: string;
  day: string;
  region: string;
  service: string;
  terminator: string;
  signedHeaders: string[];
  signature: string;
}

const ALGORITHM = "AWS4-HMAC-SHA256";
const SERVICE = "bedrock";
const MAX_SKEW_MS = 5 * 60_000;
const Sha256 = Hash.bind(null, "sha256");

/**
 * Checks a request the way AWS does, in AWS's order: a well-formed Authorization header, a
 * known access key, the credential scope, the clock, then the signature recomputed over the
 * request as received with the configured secret.
 */
export async function verifySigV4(
  request: ReceivedRequest,
  credentials: BedrockCredentials,
  now: Date,
): Promise<SigV4Verdict> {
  const header = single(request.headers.authorization);
  if (header === undefined) return fail(missingAuthentication());
  const parsed = parseAuthorization(header);
  if ("error" in parsed) return fail(parsed.error);
  if (parsed.accessKeyId !== credentials.accessKeyId) return fail(unrecognizedClient());
  if (single(request.headers["x-amz-security-token"]) !== credentials.sessionToken) {
    return fail(unrecognizedClient());
  }
  const amzDate = single(request.headers["x-amz-date"]);
  const signingDate = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (amzDate === undefined || signingDate === undefined) {
    return fail(
      incompleteSignature("Authorization header requires existence of a valid 'X-Amz-Date' header."),
    );
  }
  const problem =
    scopeProblem(parsed, credentials.region, amzDate) ??
    signedHeadersProblem(parsed.signedHeaders) ??
    clockProblem(amzDate, signingDate, now) ??
    payloadHashProblem(request);
  if (problem) return fail(problem);

  const expected = await recomputeSignature(request, parsed.signedHeaders, credentials, signingDate);
  return sameSignature(expected, parsed.signature)
    ? { ok: true, signature: parsed.signature }
    : fail(signatureMismatch());
}

const fail = (error: BedrockError): SigV4Verdict => ({ ok: false, error });

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(",") : value;
}

/** `AWS4-HMAC-SHA256 Credential=AKID/20240501/us-east-1/bedrock/aws4_request, SignedHeaders=a;b, Signature=hex` */
export function parseAuthorization(header: string): ParsedAuthorization | { error: BedrockError } {
  const [algorithm, ...rest] = header.trim().split(/\s+/);
  if (algorithm !== ALGORITHM) {
    return { error: incompleteSignature(`Authorization header must use the ${ALGORITHM} algorithm.`) };
  }
  const fields = new Map<string, string>();
  for (const part of rest.join(" ").split(",")) {
    const at = part.indexOf("=");
    if (at > 0) fields.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  const missing = ["Credential", "SignedHeaders", "Signature"].filter((name) => !fields.get(name));
  if (missing.length > 0) {
    const message = missing.map((name) => `Authorization header requires '${name}' parameter.`).join(" ");
    return { error: incompleteSignature(message) };
  }
  const scope = (fields.get("Credential") ?? "").split("/");
  const [accessKeyId, day, region, service, terminator] = scope;
  if (scope.length !== 5 || !accessKeyId || !day || !region || !service || !terminator) {
    return { error: incompleteSignature("Credential must have exactly 5 slash-delimited elements.") };
  }
  return {
    accessKeyId,
    day,
    region,
    service,
    terminator,
    signedHeaders: (fields.get("SignedHeaders") ?? "").split(";"),
    signature: fields.get("Signature") ?? "",
  };
}

/** `20240501T123456Z`, the only date form SigV4 signs. */
export function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match;
  const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function scopeProblem(
  parsed: ParsedAuthorization,
  region: string,
  amzDate: string,
): BedrockError | undefined {
  if (parsed.day !== amzDate.slice(0, 8)) {
    return invalidSignature(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: ` +
        `'${parsed.day}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  if (parsed.region !== region) return invalidSignature("Credential should be scoped to a valid region.");
  if (parsed.service !== SERVICE) {
    return invalidSignature(`Credential should be scoped to correct service: '${SERVICE}'.`);
  }
  if (parsed.terminator !== "aws4_request") {
    return invalidSignature(
      `Credential should be scoped with a valid terminator: 'aws4_request', not '${parsed.terminator}'.`,
    );
  }
  return undefined;
}

function signedHeadersProblem(signedHeaders: string[]): BedrockError | undefined {
  if (!signedHeaders.includes("host")) {
    return invalidSignature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  // AWS would also accept a signed Date header; every AWS SDK signs X-Amz-Date, so the mock insists.
  if (!signedHeaders.includes("x-amz-date")) {
    return invalidSignature("'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.");
  }
  return undefined;
}

function clockProblem(amzDate: string, signingDate: Date, now: Date): BedrockError | undefined {
  const skew = signingDate.getTime() - now.getTime();
  if (skew < -MAX_SKEW_MS) {
    const cutoff = formatAmzDate(new Date(now.getTime() - MAX_SKEW_MS));
    return invalidSignature(
      `Signature expired: ${amzDate} is now earlier than ${cutoff} (${formatAmzDate(now)} - 5 min.)`,
    );
  }
  if (skew > MAX_SKEW_MS) {
    const cutoff = formatAmzDate(new Date(now.getTime() + MAX_SKEW_MS));
    return invalidSignature(
      `Signature not yet current: ${amzDate} is still later than ${cutoff} (${formatAmzDate(now)} + 5 min.)`,
    );
  }
  return undefined;
}

function formatAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
}

/**
 * A client may declare the body hash in x-amz-content-sha256; the signature then covers the
 * declared hash, so it must be checked against the bytes that actually arrived.
 */
function payloadHashProblem(request: ReceivedRequest): BedrockError | undefined {
  const declared = single(request.headers["x-amz-content-sha256"]);
  if (declared === undefined) return undefined;
  const actual = createHash("sha256").update(request.body).digest("hex");
  return declared === actual ? undefined : signatureMismatch();
}

/**
 * Re-signs the received request with the configured secret. Only the headers the client says
 * it signed are given to the signer, so anything a proxy added on the way does not count.
 */
async function recomputeSignature(
  request: ReceivedRequest,
  signedHeaders: string[],
  credentials: BedrockCredentials,
  signingDate: Date,
): Promise<string> {
  const signer = new SignatureV4({
    service: SERVICE,
    region: credentials.region,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
    },
    sha256: Sha256,
    // The received path is already encoded once; SigV4 encodes it again, as the client did.
    uriEscapePath: true,
    // Never add a header the client did not send.
    applyChecksum: false,
  });
  const [path = "/", search = ""] = request.url.split("?", 2);
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = single(request.headers[name]);
    if (value !== undefined) headers[name] = value;
  }
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: "http:",
      hostname: headers.host ?? "",
      path,
      query: queryOf(search),
      headers,
      body: request.body,
    },
    // Headers SigV4 normally leaves out still count when the client chose to sign them.
    { signingDate, signableHeaders: new Set(signedHeaders) },
  );
  return /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization))?.[1] ?? "";
}

function queryOf(search: string): Record<string, string | string[]> {
  const params = new URLSearchParams(search);
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    query[key] = values.length === 1 ? (values[0] ?? "") : values;
  }
  return query;
}

/** Constant time, so response timing does not reveal how much of a forged signature was right. */
function sameSignature(expected: string, presented: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
