/**
 * Just enough DER reading to take apart what we build: the subject of an issuer certificate
 * (copied byte for byte into the certificates it signs) and a key's subjectPublicKey bits.
 */

export interface DerElement {
  tag: number;
  /** Offset of the value's first byte in the buffer. */
  valueStart: number;
  /** Offset one past the value's last byte. */
  end: number;
  /** Offset of the tag byte. */
  start: number;
}

export class DerError extends Error {
  override readonly name = "DerError";
}

export function readElement(buf: Buffer, offset = 0): DerElement {
  const tag = buf[offset];
  const first = buf[offset + 1];
  if (tag === undefined || first === undefined) throw new DerError(`truncated DER at offset ${offset}`);
  if ((tag & 0x1f) === 0x1f) throw new DerError("multi-byte DER tags are not supported");
  let length = first;
  let valueStart = offset + 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new DerError(`unsupported DER length form at offset ${offset}`);
    length = 0;
    for (let i = 0; i < count; i++) {
      const byte = buf[valueStart + i];
      if (byte === undefined) throw new DerError(`truncated DER length at offset ${offset}`);
      length = length * 256 + byte;
    }
    valueStart += count;
  }
  const end = valueStart + length;
  if (end > buf.length) throw new DerError(`DER element at offset ${offset} runs past the end`);
  return { tag, valueStart, end, start: offset };
}

/** The elements inside a constructed element (SEQUENCE, SET, explicit tag). */
export function childrenOf(buf: Buffer, parent: DerElement): DerElement[] {
  const out: DerElement[] = [];
  for (let at = parent.valueStart; at < parent.end; ) {
    const el = readElement(buf, at);
    out.push(el);
    at = el.end;
  }
  return out;
}

export const encoded = (buf: Buffer, el: DerElement) => buf.subarray(el.start, el.end);
export const value = (buf: Buffer, el: DerElement) => buf.subarray(el.valueStart, el.end);

function child(buf: Buffer, parent: DerElement, index: number, what: string): DerElement {
  const el = childrenOf(buf, parent)[index];
  if (!el) throw new DerError(`missing ${what}`);
  return el;
}

/** The encoded subject Name of a DER certificate. */
export function subjectOf(certDer: Buffer): Buffer {
  const tbs = child(certDer, readElement(certDer), 0, "tbsCertificate");
  const fields = childrenOf(certDer, tbs);
  // v3 certificates start with the [0] version; subject follows serial, signature, issuer, validity.
  const skip = fields[0]?.tag === 0xa0 ? 1 : 0;
  const subject = fields[skip + 4];
  if (!subject) throw new DerError("certificate has no subject");
  return encoded(certDer, subject);
}

/** The subjectPublicKey bits of a SubjectPublicKeyInfo, without the unused-bits byte. */
export function publicKeyBits(spkiDer: Buffer): Buffer {
  const bits = child(spkiDer, readElement(spkiDer), 1, "subjectPublicKey");
  return value(spkiDer, bits).subarray(1);
}
