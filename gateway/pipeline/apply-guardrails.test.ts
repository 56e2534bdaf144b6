import { describe, expect, it } from "vitest";
import type { CompiledPolicy } from "../../common/config/gateway-config.js";
import { GatewayError } from "../errors.js";
import { applyGuardrails } from "./apply-guardrails.js";
import type { InboundRequest } from "./types.js";

const counted: Array<{ labels: Record<string, string>; n: number }> = [];
const metrics = {
  guardrailHits: { inc: (labels: Record<string, string>, n = 1) => counted.push({ labels, n }) },
};

const chat = (text: string): InboundRequest => ({
  surface: "openai",
  operation: "chat",
  model: "m",
  stream: false,
  passHeaders: {},
  body: {
    model: "m",
    messages: [
      { role: "user", content: text },
      { role: "user", content: `again: ${text}` },
    ],
  },
});
const policy = (guardrails: CompiledPolicy["guardrails"]): CompiledPolicy => ({ routes: [], guardrails });
const apply = (p: CompiledPolicy, r: InboundRequest) =>
  applyGuardrails(p, r, metrics as unknown as Parameters<typeof applyGuardrails>[2]);

describe("guardrails on a request", () => {
  it("redacts in place, the same value to the same placeholder across the request's texts", () => {
    const request = chat("write to jane.doe@example.com");
    const outcome = apply(policy({ pii: { email: "redact" } }), request);
    expect(outcome).toEqual({
      hits: [{ type: "email", kind: "pii", action: "redact", count: 2 }],
      redacted: true,
    });
    expect(request.body.messages).toEqual([
      { role: "user", content: "write to [EMAIL_1]" },
      { role: "user", content: "again: write to [EMAIL_1]" },
    ]);
  });

  it("security: blocks with a 400 naming the type, never the value, and counts it by type only", () => {
    counted.length = 0;
    const key = `sk-proj-${"Ab3dE".repeat(10)}`;
    const err = (() => {
      try {
        apply(
          policy({
            secrets: "block",
            custom: [{ name: "ticket", pattern: "TICKET-[0-9]+", action: "redact" }],
          }),
          chat(`use ${key}`),
        );
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(GatewayError);
    const e = err as GatewayError;
    expect([e.status, e.details.code]).toEqual([400, "guardrail_blocked"]);
    expect(e.message).not.toContain(key);
    expect(JSON.stringify(counted)).not.toContain(key);
    expect(counted[0]?.labels).toMatchObject({ kind: "secret", action: "block" });
  });

  it("counts every custom rule under one type label, so tenants' rule names do not grow the metric", () => {
    counted.length = 0;
    apply(
      policy({ custom: [{ name: "employee-id", pattern: "EMP-[0-9]{6}", action: "redact" }] }),
      chat("EMP-123456"),
    );
    expect(counted).toEqual([{ labels: { kind: "custom", type: "custom", action: "redact" }, n: 2 }]);
  });

  it("leaves a request without findings, or a Policy without guardrails, as it was", () => {
    const request = chat("nothing to see");
    const before = JSON.stringify(request.body);
    expect(apply(policy({ pii: { email: "block" } }), request)).toEqual({ hits: [], redacted: false });
    expect(apply({ routes: [] }, request)).toBeUndefined();
    expect(JSON.stringify(request.body)).toBe(before);
  });

  it("security: a Policy whose custom rule does not compile refuses the request instead of skipping the rule", () => {
    expect(() =>
      apply(policy({ custom: [{ name: "bad", pattern: "(a", action: "block" }] }), chat("a")),
    ).toThrow(expect.objectContaining({ status: 503, details: { code: "invalid_guardrails" } }));
  });

  it("checks a complete answer with the request's placeholders when the Policy checks answers", () => {
    const request = chat("write to jane.doe@example.com");
    const outcome = apply(policy({ pii: { email: "redact" }, answers: true }), request);
    const answer = JSON.stringify({
      choices: [{ message: { content: "Sent to jane.doe@example.com and bob@example.org" } }],
    });
    const checked = outcome?.checkAnswer?.(answer);
    expect(checked && "body" in checked ? JSON.parse(checked.body).choices[0].message.content : checked).toBe(
      "Sent to [EMAIL_1] and [EMAIL_2]",
    );
    // The answer's hits join the request's, for the log line and the ledger.
    expect(outcome?.hits).toEqual([{ type: "email", kind: "pii", action: "redact", count: 4 }]);
  });

  it("withholds an answer with a blocked value; a streamed one gets a stream checker, unless it streams no text", () => {
    const outcome = apply(policy({ pii: { card: "block" }, answers: true }), chat("pay"));
    const checked = outcome?.checkAnswer?.(
      JSON.stringify({ choices: [{ message: { content: "4111 1111 1111 1111" } }] }),
    );
    expect(checked && "withheld" in checked ? checked.withheld.message : checked).toMatch(
      /^The answer was withheld/,
    );
    expect(checked && "withheld" in checked ? checked.withheld.message : "").not.toContain("4111");
    const streamed = apply(policy({ pii: { card: "block" }, answers: true }), {
      ...chat("pay"),
      stream: true,
    });
    expect(streamed?.answerStream).toBeDefined();
    expect(streamed?.checkAnswer).toBeUndefined();
    // Converse's stream, asked for on the OpenAI surface, is no stream the gateway knows how to read.
    expect(() =>
      apply(policy({ pii: { card: "block" }, answers: true }), {
        ...chat("pay"),
        operation: "converse_stream",
        stream: true,
      }),
    ).toThrow(
      expect.objectContaining({
        status: 400,
        details: { code: "guardrail_stream_unsupported", param: "stream" },
      }),
    );
    // Without answers on, a stream is checked on its way in as any request.
    expect(() => apply(policy({ pii: { card: "block" } }), { ...chat("pay"), stream: true })).not.toThrow();
  });

  it("security: refuses, under answers: true, a request for log probabilities, which carry the answer's tokens", () => {
    const request = chat("hi");
    request.body.logprobs = true;
    expect(() => apply(policy({ pii: { email: "redact" }, answers: true }), request)).toThrow(
      expect.objectContaining({
        status: 400,
        details: { code: "guardrail_unchecked_answer", param: "logprobs" },
      }),
    );
    // Without answers on, the answer is not checked, and log probabilities are the caller's business.
    expect(() => apply(policy({ pii: { email: "redact" } }), request)).not.toThrow();
  });
});
