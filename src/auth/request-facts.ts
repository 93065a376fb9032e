import type { IncomingMessage } from "node:http";
import type { Http2ServerRequest } from "node:http2";
import { peerCertificateName } from "./peer-certificate.ts";

/** What the auth checks read of a request, the same for REST and RPC, HTTP/1.1 and h2. */
export interface RequestFacts {
  method: string;
  /** Host header (h2: :authority), port included, as sent. */
  host: string | undefined;
  origin: string | undefined;
  secFetchSite: string | undefined;
  contentType: string | undefined;
  /** The secret of `Authorization: Bearer <secret>` (empty string: the header is malformed). */
  bearer: string | undefined;
  remoteAddress: string;
  encrypted: boolean;
  /** CN of a client certificate the TLS layer verified against tls.client_ca. */
  certificateName: string | undefined;
}

type NodeRequest = IncomingMessage | Http2ServerRequest;

export function requestFacts(req: NodeRequest): RequestFacts {
  const headers = req.headers;
  // h2's req.socket is a proxy of the session's socket: each read of it costs, so one read.
  const socket = req.socket as (typeof req.socket & { encrypted?: boolean }) | undefined;
  const encrypted = socket?.encrypted === true;
  return {
    method: req.method ?? "GET",
    host: one(headers.host) ?? one(headers[":authority"]),
    origin: one(headers.origin),
    secFetchSite: one(headers["sec-fetch-site"]),
    contentType: one(headers["content-type"]),
    bearer: bearerOf(one(headers.authorization)),
    remoteAddress: socket?.remoteAddress ?? "unknown",
    encrypted,
    certificateName: encrypted ? peerCertificateName(req) : undefined,
  };
}

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function bearerOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer +(\S+) *$/i.exec(header);
  return match ? (match[1] as string) : "";
}
