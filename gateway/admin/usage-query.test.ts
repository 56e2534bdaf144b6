import { describe, expect, it } from "vitest";
import { hasControlCharacter } from "../control-characters.js";
import { GatewayError } from "../errors.js";
import { parseUsageQuery } from "./usage-query.js";

const now = Date.UTC(2026, 11, 6, 15, 30);
const parse = (query: string) => parseUsageQuery(new URLSearchParams(query), now);
const refusal = (query: string) => {
  try {
    parse(query);
  } catch (err) {
    if (err instanceof GatewayError)
      return { status: err.status, message: err.message, param: err.details.param };
    throw err;
  }
  throw new Error(`"${query}" was accepted`);
};

describe("usage query parameters", () => {
  it("default to the current UTC month so far, grouped by namespace, as JSON", () => {
    expect(parse("")).toEqual({
      query: { from: "2026-12-01", to: "2026-12-06", groupBy: ["namespace"], filters: {} },
      format: "json",
    });
    // Only `to`: its month from the first; only `from`: up to today.
    expect(parse("to=2026-02-14").query).toMatchObject({ from: "2026-02-01", to: "2026-02-14" });
    expect(parse("from=2026-11-20").query).toMatchObject({ from: "2026-11-20", to: "2026-12-06" });
  });

  it("take groups in the order given, filters and csv", () => {
    expect(
      parse(
        "from=2026-01-01&to=2026-01-31&group_by=day,key,model&namespace=team-a&key=team-a/bot&format=csv",
      ),
    ).toEqual({
      query: {
        from: "2026-01-01",
        to: "2026-01-31",
        groupBy: ["day", "key", "model"],
        filters: { namespace: "team-a", key: "team-a/bot" },
      },
      format: "csv",
    });
    expect(parse("group_by=provider, policy&model=gpt-4o").query).toMatchObject({
      groupBy: ["provider", "policy"],
      filters: { model: "gpt-4o" },
    });
  });

  it("refuse dates that are not calendar days, with the parameter named", () => {
    for (const bad of [
      "2026-2-1",
      "2026-02-30",
      "20260201",
      "2026-13-01",
      "yesterday",
      "1999-12-31",
      "3000-01-01",
    ]) {
      expect(refusal(`from=${bad}&to=2026-12-01`)).toMatchObject({ status: 400, param: "from" });
    }
    expect(refusal("to=2026-02-29").message).toBe("to is not a calendar date");
  });

  it("refuse to before from, and ranges over 400 days", () => {
    expect(refusal("from=2026-03-02&to=2026-03-01")).toEqual({
      status: 400,
      message: "to (2026-03-01) is before from (2026-03-02)",
      param: "to",
    });
    expect(parse("from=2025-01-01&to=2026-02-04").query.from).toBe("2025-01-01"); // 400 days
    expect(refusal("from=2025-01-01&to=2026-02-05").message).toBe(
      "from 2025-01-01 to 2026-02-05 is 401 days; a report covers at most 400",
    );
    expect(refusal("from=2000-01-01&to=2999-12-31").status).toBe(400);
  });

  it("refuse unknown groups, a group twice, an empty group", () => {
    expect(refusal("group_by=namespace,tenant").message).toBe(
      'group_by "tenant" is not one of namespace, key, model, day, provider, policy',
    );
    expect(refusal("group_by=day,day").message).toBe('group_by names "day" twice');
    expect(refusal("group_by=").param).toBe("group_by");
    expect(refusal("group_by=namespace,").param).toBe("group_by");
  });

  it("refuse unknown and repeated parameters instead of ignoring them", () => {
    expect(refusal("groupby=day").message).toBe(
      'unknown parameter "groupby"; known: from, to, group_by, namespace, key, model, format',
    );
    expect(refusal("namespace=a&namespace=b")).toMatchObject({
      message: 'parameter "namespace" is given more than once',
    });
    expect(refusal("format=xml").message).toBe("format must be json or csv");
  });

  it("security: SQL-ish and hostile values are refused by shape, and never echoed raw", () => {
    const hostile = [
      "namespace=team-a' OR '1'='1",
      "namespace=a;DROP TABLE usage_events",
      `namespace=${"a".repeat(64)}`,
      "key=team-a/bot/../x",
      "key=team-a",
      "model=gpt%0d%0aSet-Cookie: x",
      `model=${"m".repeat(257)}`,
      "group_by=namespace);DROP TABLE usage_events;--",
      "group_by=relay_key",
      "from=2026-01-01'--",
    ];
    for (const q of hostile) expect(refusal(q).status).toBe(400);
    const weird = refusal(`${encodeURIComponent("x\u001b[31m\r\n")}=1`);
    expect(hasControlCharacter(weird.message)).toBe(false);
    expect(refusal(`${"p".repeat(5000)}=1`).message.length).toBeLessThan(200);
  });
});
