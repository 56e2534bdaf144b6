import { fromUtf8 } from "@smithy/util-utf8";
import { describe, expect, it } from "vitest";
import {
  chunkBytes,
  chunkJson,
  eventTypeOf,
  exceptionTypeOf,
  messageTypeOf,
  readBedrockEvent,
} from "./bedrock-stream-events.js";
import { EventStreamError, type EventStreamMessage } from "./event-stream.js";

const json = (value: unknown) => fromUtf8(JSON.stringify(value));
const anthropicEvent = { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "hi" } };

const chunk: EventStreamMessage = {
  headers: { ":event-type": "chunk", ":content-type": "application/json", ":message-type": "event" },
  body: json({ bytes: Buffer.from(JSON.stringify(anthropicEvent)).toString("base64"), p: "abcdefgh" }),
};

describe("Bedrock stream events", () => {
  it("reads the type headers", () => {
    expect(messageTypeOf(chunk)).toBe("event");
    expect(eventTypeOf(chunk)).toBe("chunk");
    expect(exceptionTypeOf(chunk)).toBeUndefined();
  });

  it("decodes the base64 bytes of an InvokeModelWithResponseStream chunk", () => {
    expect(chunkJson(chunk)).toEqual(anthropicEvent);
    expect(Buffer.from(chunkBytes(chunk)).toString("utf8")).toBe(JSON.stringify(anthropicEvent));
  });

  it("reads a ConverseStream event with its JSON payload", () => {
    const delta = { contentBlockIndex: 0, delta: { text: "hi" } };
    const message = {
      headers: { ":message-type": "event", ":event-type": "contentBlockDelta" },
      body: json(delta),
    };

    expect(readBedrockEvent(message)).toEqual({
      kind: "event",
      eventType: "contentBlockDelta",
      payload: delta,
    });
  });

  it("reads a modelled exception raised mid-stream", () => {
    const message = {
      headers: { ":message-type": "exception", ":exception-type": "throttlingException" },
      body: json({ message: "Too many tokens, please wait before trying again." }),
    };

    expect(readBedrockEvent(message)).toEqual({
      kind: "exception",
      exceptionType: "throttlingException",
      message: "Too many tokens, please wait before trying again.",
    });
  });

  it("reads a transport-level error from its headers", () => {
    const message = {
      headers: { ":message-type": "error", ":error-code": "InternalError", ":error-message": "boom" },
      body: new Uint8Array(),
    };

    expect(readBedrockEvent(message)).toEqual({ kind: "error", errorCode: "InternalError", message: "boom" });
  });

  it("refuses messages that are not what they claim", () => {
    const notChunk = { headers: { ":message-type": "event", ":event-type": "messageStart" }, body: json({}) };
    const noBytes = { headers: { ":event-type": "chunk" }, body: json({ p: "x" }) };
    const unknown = { headers: { ":message-type": "gossip" }, body: new Uint8Array() };
    const badJson = { headers: { ":message-type": "event", ":event-type": "x" }, body: fromUtf8("{") };

    expect(() => chunkBytes(notChunk)).toThrow(/expected a chunk event, got messageStart/);
    expect(() => chunkBytes(noBytes)).toThrow(/no base64 `bytes`/);
    expect(() => readBedrockEvent(unknown)).toThrow(EventStreamError);
    expect(() => readBedrockEvent(badJson)).toThrow(/not valid JSON/);
  });
});
