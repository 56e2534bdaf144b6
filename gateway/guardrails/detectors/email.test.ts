import { describe, expect, it } from "vitest";
import { emailDetector } from "./email.js";
import { valuesFound } from "./testing.js";

describe("email detector", () => {
  it.each([
    ["write to jane.doe@example.com today", "jane.doe@example.com"],
    ["<a.b+tag@mail.co.uk>.", "a.b+tag@mail.co.uk"],
    ["cc: O_Neil-99@sub-domain.example.org, thanks", "O_Neil-99@sub-domain.example.org"],
    ["end of sentence: ops@corp.io.", "ops@corp.io"],
  ])("finds the address in %j", (text, value) => {
    expect(valuesFound(emailDetector, text)).toEqual([value]);
  });

  it.each([
    "npm i @types/node@24.1.0",
    "use the icon@2x.png asset",
    "ssh git@localhost",
    "decorator @app.route('/x')",
    "user@@example.com",
    "a..b@example.com",
    "name@example.c0m",
    "price is 5 @ 10.00 each",
  ])("finds nothing in %j", (text) => {
    expect(valuesFound(emailDetector, text)).toEqual([]);
  });
});
