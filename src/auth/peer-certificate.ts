import type { IncomingMessage } from "node:http";
import type { Http2ServerRequest } from "node:http2";
import type { TLSSocket } from "node:tls";

/*
 * The one port hands HTTP/1.1 the TLSSocket itself and h2 a proxy of it (Http2ServerRequest's
 * socket forwards properties and methods to the session's socket), so both read the same way.
 */

type NodeRequest = IncomingMessage | Http2ServerRequest;

/** Whether the request came over TLS. */
export function isEncrypted(req: NodeRequest): boolean {
  return (req.socket as Partial<TLSSocket> | undefined)?.encrypted === true;
}

/**
 * The CN of the client certificate, when the handshake verified it against tls.client_ca
 * (`authorized`); undefined without one, for one from another CA, or a subject with several CNs.
 */
export function peerCertificateName(req: NodeRequest): string | undefined {
  const socket = req.socket as Partial<TLSSocket> | undefined;
  if (socket?.encrypted !== true || socket.authorized !== true) return undefined;
  const cn = socket.getPeerCertificate?.().subject?.CN;
  return typeof cn === "string" && cn !== "" ? cn : undefined;
}
