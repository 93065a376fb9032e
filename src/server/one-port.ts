import http from "node:http";
import http2 from "node:http2";
import net from "node:net";

type Handler = (
  req: http.IncomingMessage | http2.Http2ServerRequest,
  res: http.ServerResponse | http2.Http2ServerResponse,
) => void;

/** The first bytes of every HTTP/2 cleartext connection (RFC 9113 §3.4). */
const preface = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

export interface OnePortServer {
  listen(port: number, host: string): Promise<number>;
  /**
   * Stops accepting, lets requests in flight finish for up to graceMs, then destroys what is left.
   * Resolves when every connection is gone.
   */
  close(graceMs: number): Promise<void>;
}

/**
 * HTTP/1.1 and h2c on one port. Node's `allowHTTP1` works only with TLS (ALPN), so a plain TCP
 * server peeks at the first bytes of each connection and hands it to the http or http2 server
 * (nodejs/node#26795). Both servers run the same handler.
 */
export function createOnePortServer(
  handler: Handler,
  options: { maxHeaderBytes?: number } = {},
): OnePortServer {
  const h1 = http.createServer({ maxHeaderSize: options.maxHeaderBytes }, handler);
  const h2 = http2.createServer({}, handler);
  // Requests Node refuses before any handler runs (headers too large, not HTTP) still get the
  // JSON error shape every other error has.
  h1.on("clientError", (error: NodeJS.ErrnoException, socket: net.Socket) => {
    if (!socket.writable) return socket.destroy();
    const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
    const body = JSON.stringify({
      code: tooLarge ? "resource_exhausted" : "invalid_argument",
      message: tooLarge ? "request headers are too large" : "malformed HTTP request",
    });
    const status = tooLarge ? "431 Request Header Fields Too Large" : "400 Bad Request";
    socket.end(
      `HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  const sockets = new Set<net.Socket>();
  const sessions = new Set<http2.ServerHttp2Session>();
  h2.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });

  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.setKeepAlive(true, 30_000);
    socket.once("readable", function route() {
      const head: Buffer | null = socket.read(preface.length) ?? socket.read();
      if (head === null) {
        socket.once("readable", route);
        return;
      }
      socket.unshift(head);
      const n = Math.min(head.length, preface.length);
      const isH2 = head.subarray(0, n).equals(preface.subarray(0, n));
      (isH2 ? h2 : h1).emit("connection", socket);
    });
  });

  return {
    listen(port, host) {
      return new Promise((resolve, reject) => {
        tcp.once("error", reject);
        tcp.listen(port, host, () => {
          tcp.off("error", reject);
          // http.Server starts its header/request timeout checks on "listening" only.
          h1.emit("listening");
          resolve((tcp.address() as net.AddressInfo).port);
        });
      });
    },

    async close(graceMs) {
      const closed = new Promise<void>((resolve) => tcp.close(() => resolve()));
      for (const session of sessions) session.close();
      h1.closeIdleConnections();
      const idleSweep = setInterval(() => h1.closeIdleConnections(), 100);
      const force = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, graceMs);
      await closed;
      clearInterval(idleSweep);
      clearTimeout(force);
      h1.close();
    },
  };
}
