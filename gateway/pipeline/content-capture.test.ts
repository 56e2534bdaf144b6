import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CompiledPolicy } from "../../common/config/gateway-config.js";
import { contentKey, openContent } from "../../common/crypto/content-key.js";
import { contentBinding } from "../content/capture.js";
import { type InProcessGateway, RELAY_KEY, startGatewayWith } from "./testing/in-process-gateway.js";

/** An upstream that answers plainly, or streams when asked, repeating a marker from the prompt. */
let upstream: http.Server;
let url = "";
beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => {
      body += d.toString();
    });
    req.on("end", () => {
      const asked = JSON.parse(body) as { stream?: boolean };
      if (asked.stream) {
        res.writeHead(200, { "content-type": "text/event-stream" });
        const chunk = {
          id: "c",
          object: "chat.completion.chunk",
          choices: [{ index: 0, delta: { content: "streamed answer" } }],
        };
        res.end(`data: ${JSON.stringify(chunk)}\n\ndata: [DONE]\n\n`);
        return;
      }
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({
          id: "c1",
          object: "chat.completion",
          choices: [
            { index: 0, message: { role: "assistant", content: "plain answer" }, finish_reason: "stop" },
          ],
          usage: { prompt_tokens: 3, completion_tokens: 2 },
        }),
      );
    });
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise((r) => upstream.close(r)));

const key = contentKey(randomBytes(32));

async function gatewayWith(
  mode: "encrypted" | "plaintext",
  o: { key?: boolean; allowPlaintext?: boolean; guardrails?: CompiledPolicy["guardrails"] },
) {
  return startGatewayWith({
    providers: [
      {
        id: "ns/a",
        provider: "openai-compatible",
        baseURL: url,
        region: undefined,
        credential: "sk-upstream-content-test",
        allowPrivateNetwork: true,
      },
    ],
    routes: { "gpt-4o-mini": ["ns/a"] },
    content: {
      policy: { mode },
      settings: {
        key: o.key === false ? undefined : key,
        allowPlaintext: o.allowPlaintext ?? false,
        ledger: true,
        maxBytes: 1 << 20,
      },
    },
    ...(o.guardrails ? { policy: { guardrails: o.guardrails } } : {}),
  });
}

async function ask(gateway: InProcessGateway, stream: boolean, prompt = "marker-7f3a") {
  const body = JSON.stringify({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: prompt }],
    stream,
  });
  const res = await fetch(`http://127.0.0.1:${gateway.port}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${RELAY_KEY}`, "content-type": "application/json" },
    body,
  });
  const text = await res.text();
  await vi.waitFor(() => expect(gateway.ledger.length).toBeGreaterThan(0));
  return { body, text, row: gateway.ledger.at(-1) };
}

describe("Policy content capture, through the pipeline", () => {
  it("encrypted: the ledger row carries the request and the answer sealed, and they open to what was exchanged", async () => {
    const gateway = await gatewayWith("encrypted", {});
    try {
      for (const stream of [false, true]) {
        const { body, text, row } = await ask(gateway, stream);
        const content = row?.content;
        expect(content).toMatchObject({ encoding: "aes-256-gcm", keyId: key.id });
        const id = row?.requestId ?? "";
        const sealedRequest = Buffer.from(content?.request ?? "", "base64");
        const sealedResponse = Buffer.from(content?.response ?? "", "base64");
        expect(sealedRequest.includes(Buffer.from("marker-7f3a"))).toBe(false);
        expect(openContent(key, sealedRequest, contentBinding(id, "request")).toString()).toBe(body);
        // The answer as the caller received it: a stream reassembled.
        expect(openContent(key, sealedResponse, contentBinding(id, "response")).toString()).toBe(text);
        expect(text).toContain(stream ? "streamed answer" : "plain answer");
      }
    } finally {
      await gateway.close();
    }
  });

  it("security: plaintext without KUBERELAY_ALLOW_PLAINTEXT keeps nothing, even with a content key", async () => {
    const sealed = await gatewayWith("plaintext", {});
    const bare = await gatewayWith("plaintext", { key: false });
    const allowed = await gatewayWith("plaintext", { allowPlaintext: true });
    try {
      expect((await ask(sealed, false)).row?.content).toBeUndefined();
      expect((await ask(bare, false)).row?.content).toBeUndefined();
      const plain = (await ask(allowed, false)).row?.content;
      expect(plain?.encoding).toBe("plaintext");
      expect(Buffer.from(plain?.request ?? "", "base64").toString()).toContain("marker-7f3a");
    } finally {
      await Promise.all([sealed.close(), bare.close(), allowed.close()]);
    }
  });

  it("security: a request the guardrails block keeps no body, and a redacted one is kept as forwarded", async () => {
    const email = "jane.doe@example.com";
    const blocking = await gatewayWith("plaintext", {
      allowPlaintext: true,
      guardrails: { pii: { email: "block" } },
    });
    const redacting = await gatewayWith("plaintext", {
      allowPlaintext: true,
      guardrails: { pii: { email: "redact" } },
    });
    try {
      const blocked = await ask(blocking, false, `write to ${email}`);
      expect(blocked.row?.status).toBe(400);
      const kept = blocked.row?.content;
      // The row says a request came and what the caller was told; the value is nowhere in it.
      expect(Buffer.from(kept?.request ?? "", "base64").length).toBe(0);
      expect(Buffer.from(kept?.response ?? "", "base64").toString()).toContain("guardrail");
      expect(JSON.stringify(blocked.row)).not.toContain(email);

      const redacted = (await ask(redacting, false, `write to ${email}`)).row?.content;
      const request = Buffer.from(redacted?.request ?? "", "base64").toString();
      expect(request).toContain("[EMAIL_1]");
      expect(request).not.toContain(email);
    } finally {
      await Promise.all([blocking.close(), redacting.close()]);
    }
  });
});
