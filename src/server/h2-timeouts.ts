import http2 from "node:http2";
import { performance } from "node:perf_hooks";

/*
 * HTTP/2 has none of http.Server's headersTimeout, requestTimeout or keepAliveTimeout, and its
 * session timeout counts any silence, which would cut a long poll or a quiet stream. These two
 * give h2c the same bounds as HTTP/1.1: an idle connection closes, a slow request body is cut.
 */

/**
 * Closes a session once it has had no open stream for idleMs, from its start on (a peer that sent
 * the preface and nothing more, or headers it never finishes, has no stream either).
 */
export function closeWhenIdle(session: http2.ServerHttp2Session, idleMs: number): void {
  let open = 0;
  const close = () => session.close();
  let timer: NodeJS.Timeout | undefined = setTimeout(close, idleMs);
  // One listener function per session, not a closure per stream ("close" comes once per stream).
  const streamClosed = () => {
    open -= 1;
    if (open === 0 && !session.closed) timer = setTimeout(close, idleMs);
  };
  session.on("stream", (stream: http2.ServerHttp2Stream) => {
    open += 1;
    clearTimeout(timer);
    stream.on("close", streamClosed);
  });
  session.once("close", () => clearTimeout(timer));
}

/** Bounds how long HTTP/2 request bodies may take; stop() ends its timer (at close). */
export interface BodyDeadlines {
  watch(req: http2.Http2ServerRequest, res: http2.Http2ServerResponse): void;
  stop(): void;
}

/**
 * Bounds how long a request's body may take to arrive, like http.Server's requestTimeout (which
 * stops counting once the request is received, so responses, streams included, may last): past
 * timeoutMs with the peer still sending, the request gets 408 and its stream is reset. One timer
 * for all streams, checking on the beat http.Server checks its own timeouts on (a tenth of the
 * timeout, at most a second), rather than a timer and a listener made for every request.
 */
export function createBodyDeadlines(timeoutMs: number): BodyDeadlines {
  const pending = new Map<http2.ServerHttp2Stream, { res: http2.Http2ServerResponse; deadline: number }>();
  function forget(this: http2.ServerHttp2Stream) {
    pending.delete(this);
  }
  const beatMs = Math.min(1000, Math.max(10, Math.floor(timeoutMs / 10)));
  const timer = setInterval(() => {
    const now = performance.now();
    for (const [stream, { res, deadline }] of pending) {
      if (stream.destroyed || stream.state.remoteClose)
        pending.delete(stream); // the whole body arrived
      else if (now >= deadline) {
        pending.delete(stream);
        refuse(stream, res, timeoutMs);
      }
    }
  }, beatMs);
  timer.unref();
  return {
    watch(req, res) {
      const stream = req.stream;
      if (stream.endAfterHeaders) return; // no body at all
      pending.set(stream, { res, deadline: performance.now() + timeoutMs });
      stream.on("close", forget);
    },
    stop: () => clearInterval(timer),
  };
}

function refuse(stream: http2.ServerHttp2Stream, res: http2.Http2ServerResponse, timeoutMs: number): void {
  if (res.headersSent) {
    stream.close(http2.constants.NGHTTP2_CANCEL);
    return;
  }
  const body = JSON.stringify({
    code: "deadline_exceeded",
    message: `request body not received within ${timeoutMs} ms (limits.request_timeout_ms)`,
  });
  res.writeHead(408, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
  // NO_ERROR after a complete response: "stop sending" (RFC 9113 §8.1).
  stream.close(http2.constants.NGHTTP2_NO_ERROR);
}
