import type net from "node:net";

/** The first bytes of every HTTP/2 cleartext connection (RFC 9113 §3.4). */
const preface = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

/**
 * Reads a new connection's first bytes, puts them back, and hands the socket on: to h2 when they
 * are the HTTP/2 preface, to h1 as soon as they cannot be. Until then no HTTP server owns the
 * socket and none of Node's HTTP timeouts apply, so a peer that decides nothing within timeoutMs
 * (sends nothing, or a part of the preface and stops) is dropped, as is one that ends or fails
 * first (an unheard socket error would otherwise crash the process).
 */
export function sniffPreface(
  socket: net.Socket,
  timeoutMs: number,
  route: (socket: net.Socket, isH2: boolean) => void,
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
    const n = Math.min(seen.length, preface.length);
    const isH2 = seen.subarray(0, n).equals(preface.subarray(0, n));
    // "P" could still be "PRI * HTTP/2.0" or "POST": wait for the byte that tells them apart.
    if (seen.length === 0 || (isH2 && seen.length < preface.length)) return;
    stop();
    socket.unshift(seen);
    route(socket, isH2);
  }
  socket.on("readable", onReadable);
  socket.on("end", drop);
  socket.on("error", drop);
  socket.on("close", stop);
}
