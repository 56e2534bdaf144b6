import type http from "node:http";

/**
 * Requests that asked for `Expect: 100-continue` and have not been told to go on, with the
 * keep-alive choice Node made for them. Node answers 100 Continue itself unless the server
 * handles 'checkContinue'; that would invite the body of a caller not yet known to hold a key.
 * The server marks such requests and the handler says "continue" only once it wants the body.
 */
const awaitingContinue = new WeakMap<http.IncomingMessage, boolean>();

/**
 * Until the handler asks for the body, an answer to this request closes the connection: the
 * caller may still send the body it announced (RFC 9110 §10.1.1), and those bytes must not be
 * read as the next request.
 */
export function markAwaitingContinue(req: http.IncomingMessage, res: http.ServerResponse): void {
  awaitingContinue.set(req, res.shouldKeepAlive);
  res.shouldKeepAlive = false;
}

/** Sends 100 Continue if the caller is waiting for it; a no-op otherwise, so it is safe to call on every request. */
export function continueIfAwaited(req: http.IncomingMessage, res: http.ServerResponse): void {
  const keepAlive = awaitingContinue.get(req);
  if (keepAlive === undefined) return;
  awaitingContinue.delete(req);
  if (res.headersSent || res.writableEnded) return;
  res.shouldKeepAlive = keepAlive;
  res.writeContinue();
}
