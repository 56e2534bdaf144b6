import type { ContentRecord } from "../../content/capture.js";

/** A captured request and answer ("q", "a") kept in the clear, with the expiry given if any. */
export const plainContent = (deleteAfter?: unknown): ContentRecord =>
  ({
    encoding: "plaintext",
    request: Buffer.from("q").toString("base64"),
    response: Buffer.from("a").toString("base64"),
    requestTruncated: false,
    responseTruncated: false,
    ...(deleteAfter === undefined ? {} : { deleteAfter }),
  }) as ContentRecord;
