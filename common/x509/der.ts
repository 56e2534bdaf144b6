/**
 * A minimal DER (ASN.1 Distinguished Encoding Rules) writer: exactly the types an X.509
 * certificate needs. Every function returns one complete TLV (tag, length, value).
 */

const Tag = {
  Boolean: 0x01,
  Integer: 0x02,
  BitString: 0x03,
  OctetString: 0x04,
  Null: 0x05,
  ObjectIdentifier: 0x06,
  Utf8String: 0x0c,
  PrintableString: 0x13,
  Ia5String: 0x16,
  UtcTime: 0x17,
  GeneralizedTime: 0x18,
  Sequence: 0x30,
  Set: 0x31,
} as const;

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(value.length), value]);
}

export const sequence = (...items: Buffer[]) => tlv(Tag.Sequence, Buffer.concat(items));
/** DER sorts SET OF members by their encoding; the certificates here only ever put one in a set. */
export const set = (...items: Buffer[]) => tlv(Tag.Set, Buffer.concat([...items].sort(Buffer.compare)));
export const boolean = (value: boolean) => tlv(Tag.Boolean, Buffer.from([value ? 0xff : 0x00]));
export const nullValue = () => tlv(Tag.Null, Buffer.alloc(0));
export const octetString = (value: Buffer) => tlv(Tag.OctetString, value);
export const utf8String = (value: string) => tlv(Tag.Utf8String, Buffer.from(value, "utf8"));
export const printableString = (value: string) => {
  if (!/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value)) {
    throw new RangeError(`not a PrintableString: ${JSON.stringify(value)}`);
  }
  return tlv(Tag.PrintableString, Buffer.from(value, "ascii"));
};

/** A non-negative INTEGER from its big-endian bytes, minimally encoded (a 0x00 keeps it positive). */
export function unsignedInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  const first = trimmed[0] ?? 0;
  const value = trimmed.length === 0 ? Buffer.from([0]) : trimmed;
  return tlv(Tag.Integer, first & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value);
}

export function smallInteger(n: number): Buffer {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff_ffff) throw new RangeError(`unsupported INTEGER ${n}`);
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return unsignedInteger(Buffer.from(bytes));
}

/** A BIT STRING whose content is whole bytes (keys, signatures). */
export const bitString = (bytes: Buffer) => tlv(Tag.BitString, Buffer.concat([Buffer.from([0]), bytes]));

/**
 * A named-bit BIT STRING (e.g. keyUsage): bit 0 is the most significant bit of the first byte,
 * and DER drops trailing zero bits.
 */
export function namedBits(bits: readonly number[]): Buffer {
  if (bits.length === 0) return tlv(Tag.BitString, Buffer.from([0]));
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) | (0x80 >> (bit & 7));
  const unused = 7 - (highest & 7);
  return tlv(Tag.BitString, Buffer.concat([Buffer.from([unused]), bytes]));
}

export function objectIdentifier(dotted: string): Buffer {
  const arcs = dotted.split(".").map((part) => {
    if (!/^\d+$/.test(part)) throw new RangeError(`bad OID ${dotted}`);
    return Number(part);
  });
  const [first, second, ...rest] = arcs;
  if (first === undefined || second === undefined || first > 2) throw new RangeError(`bad OID ${dotted}`);
  const out: number[] = [];
  for (const arc of [first * 40 + second, ...rest]) {
    const base128: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) base128.unshift((v & 0x7f) | 0x80);
    out.push(...base128);
  }
  return tlv(Tag.ObjectIdentifier, Buffer.from(out));
}

/**
 * RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, always in seconds with Z.
 * Fractions of a second are dropped.
 */
export function time(date: Date): Buffer {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  const year = date.getUTCFullYear();
  if (year < 1950 || year > 9999) throw new RangeError(`date out of range for a certificate: ${iso}`);
  return year < 2050
    ? tlv(Tag.UtcTime, Buffer.from(digits.slice(2), "ascii"))
    : tlv(Tag.GeneralizedTime, Buffer.from(digits, "ascii"));
}

/** [n] EXPLICIT: a constructed context-specific tag wrapping a whole TLV. */
export const explicit = (n: number, inner: Buffer) => tlv(0xa0 | n, inner);
/** [n] IMPLICIT on a primitive type: the context tag replaces the type's tag. */
export const implicitPrimitive = (n: number, value: Buffer) => tlv(0x80 | n, value);
