import { describe, expect, it } from "vitest";
import * as der from "./der.js";
import { childrenOf, readElement, subjectOf } from "./der-reader.js";

const hex = (b: Buffer) => b.toString("hex");

describe("DER writer", () => {
  it("encodes short and long lengths", () => {
    expect(hex(der.octetString(Buffer.alloc(3)))).toBe("0403000000");
    expect(hex(der.octetString(Buffer.alloc(200))).slice(0, 6)).toBe("0481c8");
    expect(hex(der.octetString(Buffer.alloc(300))).slice(0, 8)).toBe("0482012c");
  });

  it("encodes INTEGERs minimally and positive", () => {
    expect(hex(der.smallInteger(0))).toBe("020100");
    expect(hex(der.smallInteger(2))).toBe("020102");
    expect(hex(der.smallInteger(128))).toBe("02020080");
    expect(hex(der.smallInteger(256))).toBe("02020100");
    expect(hex(der.unsignedInteger(Buffer.from([0, 0, 0x7f])))).toBe("02017f");
    expect(hex(der.unsignedInteger(Buffer.from([0xff])))).toBe("020200ff");
  });

  it("encodes object identifiers, multi-byte arcs included", () => {
    // Known encodings: ecdsa-with-SHA256 and id-kp-serverAuth.
    expect(hex(der.objectIdentifier("1.2.840.10045.4.3.2"))).toBe("06082a8648ce3d040302");
    expect(hex(der.objectIdentifier("1.3.6.1.5.5.7.3.1"))).toBe("06082b06010505070301");
    expect(() => der.objectIdentifier("1.x")).toThrow(/bad OID/);
  });

  it("encodes named bits without trailing zero bits", () => {
    expect(hex(der.namedBits([0]))).toBe("03020780"); // digitalSignature
    expect(hex(der.namedBits([0, 5, 6]))).toBe("03020186"); // + keyCertSign, cRLSign
    expect(hex(der.namedBits([8]))).toBe("0303070080");
  });

  it("uses UTCTime before 2050 and GeneralizedTime from 2050", () => {
    expect(der.time(new Date("2026-11-25T12:34:56.789Z")).toString("latin1")).toBe("\x17\x0d261125123456Z");
    expect(der.time(new Date("2050-01-01T00:00:00Z")).toString("latin1")).toBe("\x18\x0f20500101000000Z");
  });

  it("encodes booleans, explicit and implicit tags", () => {
    expect(hex(der.boolean(true))).toBe("0101ff");
    expect(hex(der.explicit(0, der.smallInteger(2)))).toBe("a003020102");
    expect(hex(der.implicitPrimitive(7, Buffer.from([127, 0, 0, 1])))).toBe("87047f000001");
  });
});

describe("DER reader", () => {
  it("reads back what the writer wrote", () => {
    const seq = der.sequence(der.smallInteger(1), der.octetString(Buffer.alloc(300)), der.boolean(false));
    const kids = childrenOf(seq, readElement(seq));
    expect(kids.map((k) => k.tag)).toEqual([0x02, 0x04, 0x01]);
    expect((kids[1]?.end ?? 0) - (kids[1]?.valueStart ?? 0)).toBe(300);
  });

  it("refuses truncated input", () => {
    expect(() => readElement(Buffer.from([0x30, 0x05, 0x01]))).toThrow(/runs past the end/);
    expect(() => subjectOf(Buffer.from([0x30, 0x00]))).toThrow(/missing tbsCertificate/);
  });
});
