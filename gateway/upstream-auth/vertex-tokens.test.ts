import { generateKeyPairSync } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { RuntimeProvider } from "../snapshot.js";
import { vertexAccess } from "./vertex-tokens.js";

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

/** A token endpoint on loopback that counts the grants it is sent. */
let tokenServer: http.Server;
let port = 0;
let grants = 0;
beforeAll(async () => {
  tokenServer = http.createServer((req, res) => {
    grants++;
    req.resume();
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ access_token: "ya29.minted", expires_in: 3600, token_type: "Bearer" }));
  });
  await new Promise<void>((r) => tokenServer.listen(0, "127.0.0.1", r));
  port = (tokenServer.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => tokenServer.close(() => r())));

let n = 0;
function vertexKey(
  tokenUri: string,
  allowPrivateNetwork: boolean,
  allowInsecureHttp = false,
): RuntimeProvider {
  n++;
  return {
    id: `t/vertex-${n}`,
    provider: "vertex",
    baseURL: undefined,
    region: "us-east5",
    ...(allowPrivateNetwork ? { allowPrivateNetwork: true } : {}),
    ...(allowInsecureHttp ? { allowInsecureHttp: true } : {}),
    credential: JSON.stringify({
      type: "service_account",
      project_id: "proj",
      client_email: "sa@proj.iam.gserviceaccount.com",
      private_key: privateKey,
      token_uri: tokenUri,
    }),
  };
}

describe("Vertex token requests and the private-network guard", () => {
  it("mints a token at the key's token_uri when the ProviderKey allows private networks", async () => {
    const before = grants;
    const access = await vertexAccess(vertexKey(`http://127.0.0.1:${port}/token`, true));
    expect(access).toEqual({ token: "ya29.minted", project: "proj" });
    expect(grants).toBe(before + 1);
  });

  it("mints a token without writing to the console: the gateway's stderr carries JSON log lines only", async () => {
    const warn = vi.spyOn(console, "warn");
    const error = vi.spyOn(console, "error");
    try {
      await vertexAccess(vertexKey(`http://127.0.0.1:${port}/token`, true));
      expect(warn).not.toHaveBeenCalled();
      expect(error).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  });

  it("security: a token_uri at a private literal address is refused without a connection", async () => {
    const before = grants;
    await expect(vertexAccess(vertexKey(`http://127.0.0.1:${port}/token`, false))).rejects.toMatchObject({
      message: expect.stringContaining("could not get a Google access token"),
    });
    expect(grants).toBe(before);
  });

  it("security: a token_uri whose name resolves to a private address is refused without a connection", async () => {
    const before = grants;
    await expect(vertexAccess(vertexKey(`http://localhost:${port}/token`, false))).rejects.toMatchObject({
      message: expect.stringContaining("could not get a Google access token"),
    });
    expect(grants).toBe(before);
  });

  it("security: a plain-http token_uri at a public address needs allowInsecureHttp, even with allowPrivateNetwork", async () => {
    const refused = vertexAccess(vertexKey("http://93.184.216.34/token", true));
    await expect(refused).rejects.toMatchObject({
      message: expect.stringContaining("could not get a Google access token"),
    });
    await expect(refused).rejects.toHaveProperty("cause.name", "InsecureHttpError");
  });
});
