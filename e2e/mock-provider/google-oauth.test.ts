import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { googleJwtFor } from "./google-auth-client.js";
import { generateTestServiceAccount, type TestServiceAccount } from "./google-service-account.js";
import { type MockProvider, startMockProvider } from "./server.js";

const PROJECT = "kuberelay-oauth-test";

let account: TestServiceAccount;
let mock: MockProvider;
let tokenUri: string;

beforeAll(async () => {
  account = generateTestServiceAccount(PROJECT);
  mock = await startMockProvider({ openaiKey: "sk-openai-unused", vertex: account.vertexOptions });
  tokenUri = `${mock.url}/token`;
});

afterAll(async () => {
  await mock.close();
});

const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

function postForm(fields: Record<string, string>): Promise<globalThis.Response> {
  return fetch(tokenUri, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
}

/** The client records when its token expires, computed from the expires_in the mock sent. */
function secondsLeft(expiryDate: number | null | undefined): number {
  return ((expiryDate ?? 0) - Date.now()) / 1000;
}

/** gtoken puts Google's error and description into the message it throws. */
async function tokenError(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return error instanceof Error ? error.message : "no error";
}

describe("token endpoint", () => {
  it("issues an access token for a correctly signed assertion, which the client caches", async () => {
    const before = mock.vertexTokens.issued;
    const client = googleJwtFor(account.keyFile(tokenUri));
    const { token } = await client.getAccessToken();
    const { token: again } = await client.getAccessToken();

    expect(token).toMatch(/^ya29\.mock-/);
    expect(again).toBe(token);
    expect(mock.vertexTokens.issued).toBe(before + 1);
    const request = mock.requests.findLast((r) => r.path === "/token");
    expect(request?.headers["content-type"]).toContain("application/x-www-form-urlencoded");
    expect(request?.rawBody).toContain("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer");
  });

  it("answers with Google's token fields", async () => {
    const assertion = "not.a.jwt";
    const refused = await postForm({ grant_type: JWT_BEARER, assertion });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: "invalid_grant" });

    const client = googleJwtFor(account.keyFile(tokenUri));
    await client.getAccessToken();
    expect(client.credentials).toMatchObject({ token_type: "Bearer" });
    expect(secondsLeft(client.credentials.expiry_date)).toBeGreaterThan(3590);
  });

  it("refuses an assertion signed with another key", async () => {
    const impostor = generateTestServiceAccount(PROJECT);
    const message = await tokenError(googleJwtFor(impostor.keyFile(tokenUri)).getAccessToken());
    expect(message).toBe("invalid_grant: Invalid JWT Signature.");
  });

  it("refuses an assertion addressed to Google rather than to the token URL used", async () => {
    const client = googleJwtFor(account.keyFile(tokenUri), {
      audience: "https://oauth2.googleapis.com/token",
    });
    expect(await tokenError(client.getAccessToken())).toMatch(
      /^invalid_grant: Invalid JWT: Failed audience check/,
    );
  });

  it("refuses an assertion without the cloud-platform scope", async () => {
    const client = googleJwtFor(account.keyFile(tokenUri), {
      scopes: ["https://www.googleapis.com/auth/userinfo.email"],
    });
    expect(await tokenError(client.getAccessToken())).toMatch(/^invalid_scope/);
  });

  it("refuses other grant types and bodies that are not form-encoded", async () => {
    const password = await postForm({ grant_type: "password", username: "a", password: "b" });
    expect(password.status).toBe(400);
    expect(await password.json()).toMatchObject({ error: "unsupported_grant_type" });

    const json = await fetch(tokenUri, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: JWT_BEARER, assertion: "x" }),
    });
    expect(json.status).toBe(400);
  });

  it("honours a configured token lifetime", async () => {
    const shortLived = await startMockProvider({
      openaiKey: "sk-openai-unused",
      vertex: { ...account.vertexOptions, tokenLifetimeSeconds: 120 },
    });
    try {
      const client = googleJwtFor(account.keyFile(`${shortLived.url}/token`));
      await client.getAccessToken();
      expect(secondsLeft(client.credentials.expiry_date)).toBeGreaterThan(110);
      expect(secondsLeft(client.credentials.expiry_date)).toBeLessThanOrEqual(120);
    } finally {
      await shortLived.close();
    }
  });
});
