import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";

type Call = (...args: unknown[]) => unknown;

/**
 * An HTTP/2 error answered before the request body was read (a 401, 405 or 415 decided from the
 * headers) reaches a client that is still sending: curl then stops sending ("HTTP error before
 * end of send") and the stream ends in a PROTOCOL_ERROR instead of the answer (about 1 in 12 on
 * loopback), and Node may reset it. So an error answer waits, headers included, until the rest of
 * the body is read and dropped, then goes out whole. Success answers are not held (a stream's
 * headers must go out at once). The wait is bounded by limits.request_timeout_ms, which resets a
 * stream whose body does not arrive.
 */
export function endAfterRequestBody(req: Http2ServerRequest, res: Http2ServerResponse): void {
  const target = res as unknown as { writeHead: Call; write: Call; end: Call };
  const writeHead = target.writeHead.bind(res) as Call;
  const write = target.write.bind(res) as Call;
  const end = target.end.bind(res) as Call;
  const bodyPending = () => !req.readableEnded && !req.destroyed;
  let heldHead: unknown[] | undefined;
  const releaseHead = () => {
    if (heldHead === undefined) return;
    const args = heldHead;
    heldHead = undefined;
    writeHead(...args);
  };
  target.writeHead = (...args) => {
    const status = args[0] as number;
    // A 408 (limits.request_timeout_ms) is the answer to a body that is not coming: no wait.
    if (status < 400 || status === 408 || !bodyPending()) return writeHead(...args);
    heldHead = args;
    return res;
  };
  target.write = (...args) => {
    releaseHead();
    return write(...args);
  };
  target.end = (...args) => {
    if (!bodyPending() || res.statusCode === 408) {
      releaseHead();
      return end(...args);
    }
    req.resume();
    let ended = false;
    const finish = () => {
      if (ended) return;
      ended = true;
      releaseHead();
      end(...args);
    };
    req.once("end", finish);
    req.once("close", finish);
    return res;
  };
}
