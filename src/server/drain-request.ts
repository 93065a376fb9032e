import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";

/**
 * An HTTP/2 answer sent before the request body was read (a 405 or 415 decided from the headers)
 * ends the stream while the client is still sending: Node then resets it, and clients such as
 * curl report a framing error instead of the answer (about 1 in 4 times on loopback). So the rest
 * of the body is read and dropped first, and the answer ends once it is in. The wait is bounded
 * by limits.request_timeout_ms, which resets a stream whose body does not arrive.
 */
export function endAfterRequestBody(req: Http2ServerRequest, res: Http2ServerResponse): void {
  const end = res.end.bind(res) as (...args: unknown[]) => unknown;
  (res as unknown as { end: (...args: unknown[]) => unknown }).end = (...args) => {
    // A 408 (limits.request_timeout_ms) is the answer to a body that is not coming: no wait.
    if (req.readableEnded || req.destroyed || res.statusCode === 408) return end(...args);
    req.resume();
    let ended = false;
    const finish = () => {
      if (ended) return;
      ended = true;
      end(...args);
    };
    req.once("end", finish);
    req.once("close", finish);
    return res;
  };
}
