import { X509Certificate } from "node:crypto";
import { copyFile, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { captureLogger } from "./testing/capture-logger.js";
import { generateSelfSignedCert } from "./testing/self-signed-cert.js";
import { waitFor } from "./testing/wait-for.js";
import { readTlsSnapshot, TlsLoadError, type TlsMaterial, watchTlsFiles } from "./tls-files.js";

let dir = "";
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "kuberelay-tls-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function serial(material: TlsMaterial): string {
  return new X509Certificate(material.cert).serialNumber;
}

/** Replace by rename, as a Secret volume update does. */
async function replace(
  from: { certFile: string; keyFile: string },
  to: { certFile: string; keyFile: string },
) {
  await copyFile(from.certFile, `${to.certFile}.tmp`);
  await copyFile(from.keyFile, `${to.keyFile}.tmp`);
  await rename(`${to.keyFile}.tmp`, to.keyFile);
  await rename(`${to.certFile}.tmp`, to.certFile);
}

describe("readTlsSnapshot", () => {
  it("reads a matching pair", async () => {
    const files = await generateSelfSignedCert(dir);
    const snapshot = await readTlsSnapshot(files);
    expect(snapshot.material.cert.toString()).toContain("BEGIN CERTIFICATE");
    expect(snapshot.stamp).not.toBe("");
  });

  it("refuses a key that does not match the certificate", async () => {
    const a = await generateSelfSignedCert(dir, "a");
    const b = await generateSelfSignedCert(dir, "b");
    await expect(readTlsSnapshot({ certFile: a.certFile, keyFile: b.keyFile })).rejects.toBeInstanceOf(
      TlsLoadError,
    );
  });

  it("names missing files", async () => {
    await expect(
      readTlsSnapshot({ certFile: join(dir, "nope.crt"), keyFile: join(dir, "nope.key") }),
    ).rejects.toThrow(/nope\.crt/);
  });
});

describe("watchTlsFiles", () => {
  it("reloads a replaced pair and keeps the last good one through a bad one", async () => {
    const files = await generateSelfSignedCert(dir, "live");
    const next = await generateSelfSignedCert(dir, "next");
    const { logger, lines } = captureLogger();
    const reloads: TlsMaterial[] = [];
    const initial = await readTlsSnapshot(files);
    const watcher = watchTlsFiles(files, initial.stamp, {
      intervalMs: 20,
      logger,
      onReload: (material) => reloads.push(material),
    });
    try {
      await writeFile(files.keyFile, "-----BEGIN PRIVATE KEY-----\ngarbage\n");
      await waitFor(() => lines.some((l) => l.msg === "tls reload failed"));
      expect(reloads).toEqual([]);

      await replace(next, files);
      await waitFor(() => reloads.length === 1);
      const [reloaded] = reloads;
      expect(reloaded && serial(reloaded)).toBe(serial((await readTlsSnapshot(next)).material));
      expect(lines.filter((l) => l.msg === "tls reload failed")).toHaveLength(1);
      expect(JSON.stringify(lines)).not.toContain("PRIVATE KEY");
    } finally {
      watcher.close();
    }
  });
});
