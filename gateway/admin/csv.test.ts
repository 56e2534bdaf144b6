import { describe, expect, it } from "vitest";
import { neutraliseFormula, toCsv } from "./csv.js";
import { usageCsv } from "./usage-csv.js";

describe("CSV", () => {
  it("quotes per RFC 4180: commas, quotes, line breaks; CRLF after every record", () => {
    expect(
      toCsv(
        ["a", "b"],
        [
          ["x,y", 'say "hi"'],
          ["line\nbreak", null],
          [3, "plain"],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",\r\n3,plain\r\n');
  });

  it("security: neutralises cells a spreadsheet would run as a formula", () => {
    for (const cell of ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x", '  =HYPERLINK("x")', "＝1"]) {
      expect(neutraliseFormula(cell)).toBe(`'${cell}`);
    }
    for (const cell of ["gpt-4o", "team-a/bot", "0.006000000", "-1.5", "42", "a=b"]) {
      expect(neutraliseFormula(cell)).toBe(cell);
    }
    // Neutralised, then quoted: the formula cannot escape its cell either.
    expect(toCsv(["m"], [['=HYPERLINK("http://x","a,b")']])).toBe(
      'm\r\n"\'=HYPERLINK(""http://x"",""a,b"")"\r\n',
    );
  });

  it("writes a usage report: groups, then the sums, cost with its decimals", () => {
    expect(
      usageCsv(
        ["day", "model"],
        [
          {
            day: "2026-12-01",
            model: "=cmd",
            requests: 2,
            inputTokens: 10,
            outputTokens: 4,
            costUsd: "0.000123450",
          },
          {
            day: "2026-12-02",
            model: null,
            requests: 1,
            inputTokens: 0,
            outputTokens: 0,
            costUsd: "0.000000000",
          },
        ],
      ),
    ).toBe(
      "day,model,requests,input_tokens,output_tokens,cost_usd\r\n" +
        "2026-12-01,'=cmd,2,10,4,0.000123450\r\n" +
        "2026-12-02,,1,0,0,0.000000000\r\n",
    );
  });
});
