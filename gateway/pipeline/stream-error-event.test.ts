import { describe, expect, it } from "vitest";
import { exceptionTypeOf, messageTypeOf } from "../aws/bedrock-stream-events.js";
import { EventStreamDecoder } from "../aws/event-stream.js";
import { SseParser } from "../streaming/sse-parser.js";
import { streamErrorEvent } from "./stream-error-event.js";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("streamErrorEvent", () => {
  it("is a data event holding `error` for OpenAI and Azure callers", () => {
    for (const surface of ["openai", "azure"] as const) {
      const event = text(streamErrorEvent(surface, "stalled"));
      expect(event.endsWith("\n\n")).toBe(true);
      expect(JSON.parse(event.replace(/^data: /, ""))).toMatchObject({ error: { message: "stalled" } });
    }
  });
  it("is an `error` event for Anthropic callers", () => {
    const events = new SseParser().push(streamErrorEvent("anthropic", "stalled"));
    expect(events).toHaveLength(1);
    expect(events[0]?.event).toBe("error");
    expect(JSON.parse(events[0]?.data ?? "")).toEqual({
      type: "error",
      error: { type: "api_error", message: "stalled" },
    });
  });
  it("is an exception message the AWS SDK raises for Bedrock callers", () => {
    const [message] = new EventStreamDecoder().push(streamErrorEvent("bedrock", "stalled"));
    expect(message && messageTypeOf(message)).toBe("exception");
    expect(message && exceptionTypeOf(message)).toBe("internalServerException");
    expect(JSON.parse(text(message?.body ?? new Uint8Array()))).toEqual({ message: "stalled" });
  });
});
