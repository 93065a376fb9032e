import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import tls from "node:tls";
import { answerClientErrors } from "./h1-client-errors.ts";
import { closeWhenIdle, createBodyDeadlines } from "./h2-timeouts.ts";
import { sniffPreface } from "./preface-sniffer.ts";
import { PresqueHttp2Response, PresqueResponse } from "./presque-response.ts";
import { createTlsAcceptor } from "./tls-acceptor.ts";
import type { TlsCredentials } from "./tls-options.ts";

type Handler = (
  req: http.IncomingMessage | http2.Http2ServerRequest,
  res: PresqueResponse | PresqueHttp2Response,
) => void;

/** How long a connection may take at each step, and how many there may be. */
export interface ConnectionLimits {
  /** Largest request head (HTTP/1.1); Node's default (16 KiB) when absent. */
  maxHeaderBytes?: number;
  /** Open connections at most; past it a new one is closed at once. */
  maxConnections: number;
  /**
   * From accept to the first bytes that tell HTTP/1.1 from h2c. With TLS it bounds each step: the
   * first byte, the handshake, then the first decrypted bytes.
   */
  prefaceTimeoutMs: number;
  /** From a request's first byte to the end of its headers (HTTP/1.1). */
  headersTimeoutMs: number;
  /** From a request's first byte until the whole request, body included, is received. */
  requestTimeoutMs: number;
  /** A connection with no request in progress is closed after this long. */
  idleTimeoutMs: number;
}

export interface OnePortServer {
  listen(port: number, host: string): Promise<number>;
  /**
   * Stops accepting, lets requests in flight finish for up to graceMs, then destroys what is left.
   * Resolves when every connection is gone.
   */
  close(graceMs: number): Promise<void>;
  /** Swaps the certificate (SIGHUP): new connections use it, open ones keep theirs. Throws without TLS. */
  setTls(credentials: TlsCredentials): void;
}

/**
 * HTTP/1.1 and h2c on one port. Node's `allowHTTP1` works only with TLS (ALPN), so a plain TCP
 * server peeks at the first bytes of each connection and hands it to the http or http2 server
 * (nodejs/node#26795). Both servers run the same handler. With tlsCredentials the port speaks TLS only:
 * each connection is decrypted first, then handed on the same way, so the same handler and limits
 * apply, and `req.socket` is the TLSSocket (`encrypted`, `authorized`, `getPeerCertificate()`).
 */
export function createOnePortServer(
  handler: Handler,
  limits: ConnectionLimits,
  tlsCredentials?: TlsCredentials,
): OnePortServer {
  // The request timeout bounds the headers too, and Node refuses a headersTimeout above it.
  const headersTimeoutMs = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  const responding = new WeakMap<net.Socket, http.ServerResponse>();
  const h1 = http.createServer(
    {
      maxHeaderSize: limits.maxHeaderBytes,
      headersTimeout: headersTimeoutMs,
      // Node counts it until the request is received, not until the response ends.
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.idleTimeoutMs,
      // Node checks both timeouts on this beat (30 s by default, longer than the timeouts).
      connectionsCheckingInterval: Math.min(1000, Math.max(10, Math.floor(headersTimeoutMs / 10))),
      // (typed as the base class: @types/node cannot name a subclass here without its generics)
      ServerResponse: PresqueResponse as unknown as typeof http.ServerResponse,
    },
    (req, res) => {
      // The socket's latest response; the client-error answers skip it once it has finished.
      responding.set(req.socket, res);
      handler(req, res as PresqueResponse);
    },
  );
  answerClientErrors(h1, responding, {
    headersTimeoutMs,
    requestTimeoutMs: limits.requestTimeoutMs,
    lingerMs: limits.idleTimeoutMs,
  });
  const bodyDeadlines = createBodyDeadlines(limits.requestTimeoutMs);
  // PresqueHttp2Response holds an error's answer until the request body is in (see there).
  const h2 = http2.createServer(
    { Http2ServerResponse: PresqueHttp2Response as unknown as typeof http2.Http2ServerResponse },
    (req, res) => {
      bodyDeadlines.watch(req, res);
      handler(req, res as PresqueHttp2Response);
    },
  );
  const sockets = new Set<net.Socket>();
  const sessions = new Set<http2.ServerHttp2Session>();
  h2.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
    closeWhenIdle(session, limits.idleTimeoutMs);
  });

  const toHttp = (socket: net.Socket) =>
    sniffPreface(socket, limits.prefaceTimeoutMs, (routed, isH2) => {
      // Over TLS, h2 is chosen by ALPN, never by prior knowledge (RFC 9113 §3.3), and Node's http2
      // server refuses a TLS socket without it: bytes that contradict ALPN end the connection here.
      if (routed instanceof tls.TLSSocket && isH2 !== (routed.alpnProtocol === "h2")) return routed.destroy();
      (isH2 ? h2 : h1).emit("connection", routed);
    });
  const secure =
    tlsCredentials &&
    createTlsAcceptor({
      credentials: tlsCredentials,
      handshakeTimeoutMs: limits.prefaceTimeoutMs,
      lingerMs: limits.idleTimeoutMs,
      onSecure: toHttp,
    });
  // noDelay: Node's http servers set it on sockets they accept, not on sockets handed to them
  const tcp = net.createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.setKeepAlive(true, 30_000);
    if (secure) secure.accept(socket);
    else toHttp(socket);
  });
  tcp.maxConnections = limits.maxConnections;

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

    setTls(credentials) {
      if (!secure) throw new Error("TLS is off: tls.cert and tls.key are read at start only");
      secure.setCredentials(credentials);
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
      bodyDeadlines.stop();
      clearTimeout(force);
      h1.close();
    },
  };
}
