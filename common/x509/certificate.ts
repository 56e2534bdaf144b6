/**
 * X.509 v3 certificates built with node:crypto alone: ECDSA P-256 keys, signed with
 * ecdsa-with-SHA256. Enough for a private CA and the serving certificates it issues.
 */
import {
  createHash,
  createPrivateKey,
  generateKeyPair,
  type KeyObject,
  randomBytes,
  sign,
  X509Certificate,
} from "node:crypto";
import { isIP } from "node:net";
import { promisify } from "node:util";
import * as der from "./der.js";
import { publicKeyBits, subjectOf } from "./der-reader.js";
import { KeyUsageBit, OID } from "./oids.js";

const generateKeyPairAsync = promisify(generateKeyPair);

/** A certificate and its private key, both PEM. */
export interface CertificateAndKey {
  certPem: string;
  keyPem: string;
}

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

export interface CaRequest extends Validity {
  commonName: string;
}

export interface ServingRequest extends Validity {
  commonName: string;
  dnsNames: readonly string[];
  ipAddresses?: readonly string[];
}

export class CertificateRequestError extends Error {
  override readonly name = "CertificateRequestError";
}

function extension(oid: string, critical: boolean, valueDer: Buffer): Buffer {
  return der.sequence(
    der.objectIdentifier(oid),
    ...(critical ? [der.boolean(true)] : []),
    der.octetString(valueDer),
  );
}

function name(commonName: string): Buffer {
  if (commonName === "" || commonName.length > 64) {
    throw new CertificateRequestError(`commonName must be 1-64 characters, got ${commonName.length}`);
  }
  return der.sequence(
    der.set(der.sequence(der.objectIdentifier(OID.commonName), der.utf8String(commonName))),
  );
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. An identifier, not a security control. */
export function keyIdentifier(spkiDer: Buffer): Buffer {
  return createHash("sha1").update(publicKeyBits(spkiDer)).digest();
}

/** 16 random bytes, positive and never shortened by DER (the top byte is 0x40-0x7f). */
function serialNumber(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x3f) | 0x40;
  return bytes;
}

function checkValidity({ notBefore, notAfter }: Validity): void {
  if (!(notAfter.getTime() > notBefore.getTime())) {
    throw new CertificateRequestError(
      `notAfter (${notAfter.toISOString()}) must be after notBefore (${notBefore.toISOString()})`,
    );
  }
}

const ecdsaWithSha256 = () => der.sequence(der.objectIdentifier(OID.ecdsaWithSha256));

interface TbsFields extends Validity {
  issuer: Buffer;
  subject: Buffer;
  spki: Buffer;
  extensions: Buffer[];
}

function signCertificate(fields: TbsFields, signer: KeyObject): string {
  const tbs = der.sequence(
    der.explicit(0, der.smallInteger(2)),
    der.unsignedInteger(serialNumber()),
    ecdsaWithSha256(),
    fields.issuer,
    der.sequence(der.time(fields.notBefore), der.time(fields.notAfter)),
    fields.subject,
    fields.spki,
    der.explicit(3, der.sequence(...fields.extensions)),
  );
  const signature = sign("sha256", tbs, { key: signer, dsaEncoding: "der" });
  const certDer = der.sequence(tbs, ecdsaWithSha256(), der.bitString(signature));
  return new X509Certificate(certDer).toString();
}

async function newKey(): Promise<{ privateKey: KeyObject; spki: Buffer; keyPem: string }> {
  const { privateKey, publicKey } = await generateKeyPairAsync("ec", { namedCurve: "P-256" });
  const spki = publicKey.export({ type: "spki", format: "der" });
  const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  return { privateKey, spki, keyPem };
}

/** A self-signed CA that may sign certificates but no further CAs (pathLen 0). */
export async function createCa(request: CaRequest): Promise<CertificateAndKey> {
  checkValidity(request);
  const key = await newKey();
  const ski = keyIdentifier(key.spki);
  const subject = name(request.commonName);
  const certPem = signCertificate(
    {
      ...request,
      issuer: subject,
      subject,
      spki: key.spki,
      extensions: [
        extension(OID.basicConstraints, true, der.sequence(der.boolean(true), der.smallInteger(0))),
        extension(
          OID.keyUsage,
          true,
          der.namedBits([KeyUsageBit.digitalSignature, KeyUsageBit.keyCertSign, KeyUsageBit.cRLSign]),
        ),
        extension(OID.subjectKeyIdentifier, false, der.octetString(ski)),
      ],
    },
    key.privateKey,
  );
  return { certPem, keyPem: key.keyPem };
}

function subjectAltNames(dnsNames: readonly string[], ipAddresses: readonly string[]): Buffer {
  const names = [
    // DNS names are checked against DNS_NAME first, so they are plain ASCII (IA5).
    ...dnsNames.map((dns) => der.implicitPrimitive(2, Buffer.from(dns, "ascii"))),
    ...ipAddresses.map((ip) => der.implicitPrimitive(7, ipBytes(ip))),
  ];
  return der.sequence(...names);
}

function ipBytes(ip: string): Buffer {
  const family = isIP(ip);
  if (family === 4) return Buffer.from(ip.split(".").map(Number));
  if (family === 6) return ipv6Bytes(ip);
  throw new CertificateRequestError(`not an IP address: ${JSON.stringify(ip)}`);
}

function ipv6Bytes(ip: string): Buffer {
  const [head = "", tail] = ip.split("::");
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const zeros = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill("0");
  const all = [...left, ...zeros, ...right];
  if (all.length !== 8 || all.some((g) => g.includes("."))) {
    throw new CertificateRequestError(`unsupported IPv6 form: ${ip}`);
  }
  const out = Buffer.alloc(16);
  for (const [i, g] of all.entries()) out.writeUInt16BE(Number.parseInt(g, 16), i * 2);
  return out;
}

const DNS_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** A serving (TLS server) certificate signed by `ca`, for the given DNS names and IP addresses. */
export async function issueServingCertificate(
  ca: CertificateAndKey,
  request: ServingRequest,
): Promise<CertificateAndKey> {
  checkValidity(request);
  const ipAddresses = request.ipAddresses ?? [];
  if (request.dnsNames.length + ipAddresses.length === 0) {
    throw new CertificateRequestError("a serving certificate needs at least one DNS name or IP address");
  }
  for (const dns of request.dnsNames) {
    if (!DNS_NAME.test(dns)) throw new CertificateRequestError(`not a DNS name: ${JSON.stringify(dns)}`);
  }
  const caCert = new X509Certificate(ca.certPem);
  const caKey = createPrivateKey(ca.keyPem);
  if (!caCert.checkPrivateKey(caKey))
    throw new CertificateRequestError("CA key does not match the CA certificate");
  if (!caCert.ca) throw new CertificateRequestError("the issuer certificate is not a CA");
  const caSpki = caCert.publicKey.export({ type: "spki", format: "der" });
  const key = await newKey();
  const certPem = signCertificate(
    {
      ...request,
      issuer: subjectOf(caCert.raw),
      subject: name(request.commonName),
      spki: key.spki,
      extensions: [
        extension(OID.basicConstraints, true, der.sequence()),
        extension(OID.keyUsage, true, der.namedBits([KeyUsageBit.digitalSignature])),
        extension(OID.extKeyUsage, false, der.sequence(der.objectIdentifier(OID.serverAuth))),
        extension(OID.subjectKeyIdentifier, false, der.octetString(keyIdentifier(key.spki))),
        extension(
          OID.authorityKeyIdentifier,
          false,
          der.sequence(der.implicitPrimitive(0, keyIdentifier(caSpki))),
        ),
        extension(OID.subjectAltName, false, subjectAltNames(request.dnsNames, ipAddresses)),
      ],
    },
    caKey,
  );
  return { certPem, keyPem: key.keyPem };
}
