import { describe, expect, it } from "vitest";
import { ledgerLocation } from "./ledger-location.js";

const flags = (o: Partial<Parameters<typeof ledgerLocation>[0]> = {}) => ({
  noLedger: false,
  standalone: true,
  ...o,
});

describe("where the usage ledger lives", () => {
  it("is PostgreSQL when a URL is given, else the embedded database in the folder given", () => {
    expect(ledgerLocation(flags({ url: "postgres://db/x", dataDir: "/d" }))).toEqual({
      url: "postgres://db/x",
    });
    expect(ledgerLocation(flags({ dataDir: "/var/lib/kuberelay" }))).toEqual({
      dataDir: "/var/lib/kuberelay",
    });
  });

  it("defaults, standalone, to the embedded database in the XDG data directory", () => {
    expect(ledgerLocation(flags(), { XDG_DATA_HOME: "/x", HOME: "/home/a" })).toEqual({
      dataDir: "/x/kuberelay",
    });
    expect(ledgerLocation(flags(), { HOME: "/home/a" })).toEqual({
      dataDir: "/home/a/.local/share/kuberelay",
    });
    // A relative XDG_DATA_HOME is invalid by the spec, and would follow the working directory.
    expect(ledgerLocation(flags(), { XDG_DATA_HOME: "data", HOME: "/home/a" })).toEqual({
      dataDir: "/home/a/.local/share/kuberelay",
    });
  });

  it("without a home (a container's nonroot user), says which flag to give instead of writing somewhere odd", () => {
    expect(() => ledgerLocation(flags(), { HOME: "/nonexistent" })).toThrow(/--data-dir.*--no-ledger/);
    expect(() => ledgerLocation(flags(), {})).toThrow(/--data-dir/);
  });

  it("reads an empty variable as unset", () => {
    expect(ledgerLocation(flags({ url: "", dataDir: "", noLedger: true }))).toBeUndefined();
    expect(ledgerLocation(flags({ url: "", dataDir: "/d" }))).toEqual({ dataDir: "/d" });
  });

  it("is none in a cluster unless configured, and none with --no-ledger", () => {
    expect(ledgerLocation(flags({ standalone: false }), { HOME: "/home/a" })).toBeUndefined();
    expect(ledgerLocation(flags({ noLedger: true }), { HOME: "/home/a" })).toBeUndefined();
  });

  it("refuses --no-ledger beside a database, rather than picking one", () => {
    expect(() => ledgerLocation(flags({ noLedger: true, url: "postgres://db/x" }))).toThrow(/contradicts/);
    expect(() => ledgerLocation(flags({ noLedger: true, dataDir: "/d" }))).toThrow(/contradicts/);
  });
});
