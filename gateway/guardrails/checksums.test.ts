import { describe, expect, it } from "vitest";
import {
  frenchNirValid,
  ibanChecksumValid,
  luhnValid,
  mod97,
  spanishIdValid,
  ssnValid,
} from "./checksums.js";

describe("checksums", () => {
  it("luhn accepts known test cards and refuses a changed digit", () => {
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(luhnValid("378282246310005")).toBe(true);
    expect(luhnValid("4111111111111112")).toBe(false);
    expect(luhnValid("41111111a1111111")).toBe(false);
  });

  it("mod97 handles letters and long numbers", () => {
    expect(mod97("97")).toBe(0);
    expect(mod97("A")).toBe(10);
    expect(ibanChecksumValid("GB82WEST12345698765432")).toBe(true);
    expect(ibanChecksumValid("GB82WEST12345698765433")).toBe(false);
    expect(ibanChecksumValid("DE89370400440532013000")).toBe(true);
  });

  it("Spanish DNI and NIE letters", () => {
    expect(spanishIdValid("12345678Z")).toBe(true);
    expect(spanishIdValid("12345678A")).toBe(false);
    expect(spanishIdValid("X1234567L")).toBe(true);
    expect(spanishIdValid("X1234567T")).toBe(false);
  });

  it("French NIR key, including Corsica", () => {
    expect(frenchNirValid("255081416802538")).toBe(true);
    expect(frenchNirValid("255081416802539")).toBe(false);
    const corsican = `185072A123456${String(97 - (1850719123456 % 97)).padStart(2, "0")}`;
    expect(frenchNirValid(corsican)).toBe(true);
  });

  it("SSN area, group and serial rules", () => {
    expect(ssnValid("123", "45", "6789")).toBe(true);
    expect(ssnValid("000", "45", "6789")).toBe(false);
    expect(ssnValid("666", "45", "6789")).toBe(false);
    expect(ssnValid("900", "45", "6789")).toBe(false);
    expect(ssnValid("123", "00", "6789")).toBe(false);
    expect(ssnValid("123", "45", "0000")).toBe(false);
    expect(ssnValid("078", "05", "1120")).toBe(false);
  });
});
