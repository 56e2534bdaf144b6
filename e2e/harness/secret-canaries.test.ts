import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateRelayKey, hashRelayKey } from "../../common/crypto/relay-key.js";
import { SecretCanaries } from "./secret-canaries.js";

const secret = () => `sk-${randomBytes(24).toString("hex")}`;
const logLine = (value: string) => JSON.stringify({ level: "info", msg: "upstream call", detail: value });

describe("SecretCanaries", () => {
  it("finds any 8-character piece of a secret and names it by label", () => {
    const provider = secret();
    const canaries = new SecretCanaries().add("provider secret", provider);
    const hits = canaries.scan([
      { source: "clean", text: logLine("nothing here") },
      { source: "gateway output", text: logLine(`bad key …${provider.slice(0, 8)}…`) },
    ]);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ source: "gateway output", label: "provider secret" });
    expect(() => canaries.assertNoLeak([{ source: "/metrics", text: `x{key="${provider}"} 1` }])).toThrow(
      /secrets leaked \(6 hits\):\n- \/metrics: "sk-[0-9a-f]{5}" of provider secret/,
    );
    expect(() =>
      canaries.assertNoLeak([{ source: "log", text: logLine(provider.slice(0, 7)) }]),
    ).not.toThrow();
  });

  it("takes 8 hex characters only as part of 16 of the secret: a UID or a hash meets 8 by chance", () => {
    const provider = secret();
    const hash = hashRelayKey(generateRelayKey());
    const canaries = new SecretCanaries().add("provider secret", provider).add("a hash", hash);
    // A UID that happens to share 8 hex characters with each: no leak.
    const uid = (part: string) => `25000d36-a4a1-40c5-ac73-${part}28d67`;
    expect(
      canaries.scan([
        {
          source: "Event",
          text: `"uid": "${uid(provider.slice(20, 28))}", "x": "${uid(hash.slice(9, 17))}"`,
        },
      ]),
    ).toEqual([]);
    // 16 of them, wherever the 8 fall, is a leak.
    for (const piece of [provider.slice(20, 36), hash.slice(40, 56), `zz${hash.slice(3, 19)}zz`]) {
      expect(canaries.scan([{ source: "log", text: logLine(piece) }]).length).toBeGreaterThan(0);
    }
    // Fifteen are not enough.
    expect(canaries.scan([{ source: "log", text: logLine(hash.slice(0, 15)) }])).toEqual([]);
  });

  it("allows only the published 8-character prefix of a generated relay key", () => {
    const key = generateRelayKey();
    const canaries = new SecretCanaries().addRelayKey("relay key team/app", key, true);
    const status = { source: "status", text: JSON.stringify({ keyPrefix: key.slice(0, 8) }) };
    expect(canaries.scan([status])).toEqual([]);
    expect(canaries.scan([{ source: "event", text: `the key ${key.slice(0, 9)}` }])).toHaveLength(1);
    expect(canaries.scan([{ source: "log", text: key.slice(10, 18) }])).toHaveLength(1);
    const hash = canaries.scan([{ source: "log", text: `hash=${hashRelayKey(key)}` }]);
    expect(hash[0]?.label).toBe("sha256 of relay key team/app");
  });

  it("allows nothing of a relay key brought by secretRef, whose prefix status never shows", () => {
    const key = generateRelayKey();
    const canaries = new SecretCanaries().addRelayKey("brought key", key, false);
    expect(canaries.scan([{ source: "status", text: key.slice(0, 8) }])).toHaveLength(1);
  });

  it("looks for the secret fields of a JSON credential, not its identifiers", () => {
    const aws = { accessKeyId: "AKIAKRTESTKEY0000001", secretAccessKey: secret(), region: "eu-central-1" };
    const canaries = new SecretCanaries().addCredential("bedrock", JSON.stringify(aws));
    expect(canaries.scan([{ source: "log", text: `signed as ${aws.accessKeyId} in ${aws.region}` }])).toEqual(
      [],
    );
    const hits = canaries.scan([{ source: "log", text: aws.secretAccessKey.slice(30) }]);
    expect(hits[0]?.label).toBe("bedrock .secretAccessKey");
  });

  it("looks for a PEM private key's private numbers, not its armour, framing or public key", () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const lines = pem.split("\n");
    const canaries = new SecretCanaries().addCredential(
      "vertex",
      JSON.stringify({ client_email: "sa@p.iam.gserviceaccount.com", private_key: pem }),
    );
    const otherKey = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    expect(
      canaries.scan([{ source: "another key", text: otherKey.split("\n").slice(0, 2).join("\n") }]),
    ).toEqual([]);
    // JSON-escaped, as a leaked key would be in a log line.
    const hits = canaries.scan([{ source: "log", text: JSON.stringify({ key: pem }) }]);
    expect(hits.length).toBeGreaterThan(10);
    expect(hits[0]?.label).toBe("vertex .private_key d");
    expect(canaries.scan([{ source: "log", text: lines.at(-4)?.slice(3, 12) ?? "" }])).toHaveLength(1);
  });

  it("tells one P-256 key from another despite their shared framing", () => {
    const ecPem = () =>
      generateKeyPairSync("ec", { namedCurve: "P-256" })
        .privateKey.export({ type: "pkcs8", format: "pem" })
        .toString();
    const mine = ecPem();
    const canaries = new SecretCanaries().addPrivateKeyPem("webhook tls.key", mine);
    expect(canaries.scan([{ source: "another key", text: ecPem() }])).toEqual([]);
    expect(canaries.scan([{ source: "log", text: JSON.stringify(mine) }]).length).toBeGreaterThanOrEqual(4);
  });

  it("takes the secret-valued variables of a process environment and nothing else", () => {
    const master = randomBytes(32).toString("base64");
    const canaries = new SecretCanaries().addEnv("operator", {
      REDIS_URL: "redis://127.0.0.1:6379/kuberelay-limits",
      KUBERELAY_MASTER_KEY: master,
      KUBERELAY_KMS_KEY_ID: "6d1f0b7e-4c2a-4f1e-9a53-kuberelay01",
    });
    expect(canaries.count).toBe(1);
    expect(
      canaries.scan([{ source: "log", text: "redis://127.0.0.1:6379/kuberelay-limits 6d1f0b7e-4c2a-4f1e" }]),
    ).toEqual([]);
    expect(canaries.scan([{ source: "log", text: master.slice(3, 11) }])[0]?.label).toBe(
      "KUBERELAY_MASTER_KEY of operator",
    );
  });

  it("finds a ServiceAccount token from KUBECONFIG by its signature, not the header all tokens share", () => {
    const dir = mkdtempSync(join(tmpdir(), "canaries-"));
    const jwt = (sig: string) => `eyJhbGciOiJSUzI1NiIsImtpZCI6IiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.${sig}`;
    const mine = jwt(randomBytes(64).toString("base64url"));
    writeFileSync(join(dir, "kubeconfig"), `users:\n  - name: x\n    user:\n      token: ${mine}\n`);
    try {
      const canaries = new SecretCanaries().addEnv("gateway", { KUBECONFIG: join(dir, "kubeconfig") });
      expect(
        canaries.scan([{ source: "another token", text: jwt(randomBytes(64).toString("base64url")) }]),
      ).toEqual([]);
      expect(canaries.scan([{ source: "log", text: `Bearer ${mine}` }])[0]?.label).toBe(
        "ServiceAccount token of gateway",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("lists a secret too short to scan rather than dropping it silently", () => {
    const canaries = new SecretCanaries().add("tiny", "sk-1");
    expect(canaries.count).toBe(0);
    expect(canaries.unscannable).toEqual(["tiny"]);
  });
});
