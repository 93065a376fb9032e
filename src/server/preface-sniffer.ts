import type net from "node:net";

/** The first bytes of every HTTP/2 cleartext connection (RFC 9113 §3.4). */
const preface = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

/**
 * Reads a new connection's first bytes until `decide` can tell what they are (it answers undefined
 * while it cannot), puts them back, and hands the socket on with the verdict. Until then nothing
 * else owns the socket and none of Node's HTTP or TLS timeouts apply, so a peer that decides
 * nothing within timeoutMs (sends nothing, or a part and stops) is dropped, as is one that ends or
 * fails first (an unheard socket error would otherwise crash the process).
 */
export function sniffFirstBytes<Verdict>(
  socket: net.Socket,
  timeoutMs: number,
  decide: (seen: Buffer) => Verdict | undefined,
  route: (socket: net.Socket, verdict: Verdict) => void,
): void {
  let seen = Buffer.alloc(0);
  const drop = () => socket.destroy();
  const timer = setTimeout(drop, timeoutMs);
  const stop = () => {
    clearTimeout(timer);
    socket.off("readable", onReadable);
    socket.off("end", drop);
    socket.off("error", drop);
    socket.off("close", stop);
  };
  function onReadable() {
    for (let chunk: Buffer | null = socket.read(); chunk !== null; chunk = socket.read()) {
      seen = Buffer.concat([seen, chunk]);
    }
    if (seen.length === 0) return;
    const verdict = decide(seen);
    if (verdict === undefined) return;
    stop();
    socket.unshift(seen);
    route(socket, verdict);
  }
  socket.on("readable", onReadable);
  socket.on("end", drop);
  socket.on("error", drop);
  socket.on("close", stop);
}

/** Hands the socket to h2 when its first bytes are the HTTP/2 preface, to h1 as soon as they cannot be. */
export function sniffPreface(
  socket: net.Socket,
  timeoutMs: number,
  route: (socket: net.Socket, isH2: boolean) => void,
): void {
  sniffFirstBytes(socket, timeoutMs, startsHttp2, route);
}

function startsHttp2(seen: Buffer): boolean | undefined {
  const n = Math.min(seen.length, preface.length);
  const isH2 = seen.subarray(0, n).equals(preface.subarray(0, n));
  // "P" could still be "PRI * HTTP/2.0" or "POST": wait for the byte that tells them apart.
  return isH2 && seen.length < preface.length ? undefined : isH2;
}
