import type net from "node:net";
import tls from "node:tls";
import { sniffFirstBytes } from "./preface-sniffer.ts";
import type { TlsCredentials } from "./tls-options.ts";

/** A TLS record of type handshake (RFC 8446 §5.1): every ClientHello starts with it. */
const handshakeRecord = 0x16;

export interface TlsAcceptorOptions {
  credentials: TlsCredentials;
  /** Bound on the wait for the first byte, then on the handshake (an absolute deadline in Node). */
  handshakeTimeoutMs: number;
  /** How long a plain-HTTP peer may take to read its 400 before the socket is destroyed. */
  lingerMs: number;
  /** Gets each connection once its handshake is done: decrypted, ALPN settled, client certificate checked. */
  onSecure(socket: tls.TLSSocket): void;
}

export interface TlsAcceptor {
  /** Takes a connection the port just accepted. */
  accept(socket: net.Socket): void;
  /** New connections use these from now on; open ones keep theirs. */
  setCredentials(credentials: TlsCredentials): void;
}

/**
 * TLS in front of the one port's HTTP servers. A tls.Server that never listens is fed the sockets
 * the port accepts, so maxConnections and the socket bookkeeping stay in one place, and it owns what
 * Node does well: the handshake, ALPN, the client certificate's verification (`socket.authorized`).
 * A peer speaking plain HTTP to the TLS port is told so in plain HTTP.
 */
export function createTlsAcceptor(options: TlsAcceptorOptions): TlsAcceptor {
  const server = tls.createServer({
    ...contextOptions(options.credentials),
    ALPNProtocols: ["h2", "http/1.1"],
    handshakeTimeout: options.handshakeTimeoutMs,
    // Asked for, never required: presque decides per request, and a bearer key works without one.
    requestCert: options.credentials.ca !== undefined,
    rejectUnauthorized: false,
  });
  // Node reports a handshake timeout or failure here, but leaves the socket open once someone listens.
  server.on("tlsClientError", (_error, socket) => socket.destroy());
  server.on("secureConnection", options.onSecure);
  return {
    accept(socket) {
      sniffFirstBytes(
        socket,
        options.handshakeTimeoutMs,
        (seen) => seen[0] === handshakeRecord,
        // Node's TLSSocket takes the sniffed bytes back from the socket's buffer (initRead).
        (sniffed, isTls) =>
          isTls ? server.emit("connection", sniffed) : refusePlainHttp(sniffed, options.lingerMs),
      );
    },
    setCredentials(credentials) {
      server.setSecureContext(contextOptions(credentials));
    },
  };
}

function contextOptions(credentials: TlsCredentials): tls.SecureContextOptions {
  const { cert, key, ca } = credentials;
  return ca === undefined ? { cert, key } : { cert, key, ca };
}

/** An answer `curl http://` can show, instead of an empty reply; the request itself is not read. */
function refusePlainHttp(socket: net.Socket, lingerMs: number): void {
  const body = JSON.stringify({
    code: "invalid_argument",
    message: "this port speaks TLS only: use https://",
  });
  socket.on("error", () => socket.destroy());
  socket.resume();
  socket.end(
    "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n" +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
  const linger = setTimeout(() => socket.destroy(), lingerMs);
  socket.once("close", () => clearTimeout(linger));
}
